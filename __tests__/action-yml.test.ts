/**
 * action.yml is the Action's public surface: it must parse, run on node24 with a post step, and
 * carry every input and output the contract fixes, each described here and in the README.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';

const ROOT = path.resolve(__dirname, '..');
const CONTRACT_INPUTS = [
  'url',
  'target',
  'method',
  'username',
  'password',
  'token',
  'audience',
  'protocol',
  'token-endpoint',
  'format',
  'insecure',
  'targets',
  'run',
  'cleanup',
  'github-deployment',
];
const CONTRACT_OUTPUTS = [
  'outcome',
  'exit-code',
  'target',
  'expires-at',
  'credentials-file',
  'token',
  'results',
];

interface ActionYml {
  runs: { using: string; main: string; post: string; 'post-if': string };
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
}

const doc = parseDocument(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));

describe('action.yml', () => {
  it('parses as YAML without errors', () => {
    expect(doc.errors.map((e) => e.message)).toEqual([]);
  });

  const yml = doc.toJS() as ActionYml;

  it('runs the bundled main and post steps on node24', () => {
    expect(yml.runs).toEqual({
      using: 'node24',
      main: 'dist/main/index.js',
      post: 'dist/post/index.js',
      'post-if': 'always()',
    });
    expect(fs.existsSync(path.join(ROOT, yml.runs.main))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, yml.runs.post))).toBe(true);
  });

  it('has every input and output of the contract, each described', () => {
    for (const name of CONTRACT_INPUTS) expect(Object.keys(yml.inputs)).toContain(name);
    for (const name of CONTRACT_OUTPUTS) expect(Object.keys(yml.outputs)).toContain(name);
    for (const [name, input] of Object.entries(yml.inputs)) {
      expect([name, typeof input.description === 'string' && input.description.length > 10]).toEqual([
        name,
        true,
      ]);
    }
  });

  it('documents defaults the contract fixes', () => {
    expect(yml.inputs.target!.default).toBe('default');
    expect(yml.inputs.method!.default).toBe('auto');
    // Documented, not declared: a declared default reaches the step as if the user had given it,
    // and `json-recipe` (which implies protocol json) would then conflict with it.
    expect(yml.inputs.protocol!.default).toBeUndefined();
    expect(yml.inputs.protocol!.description).toContain('Default `oauth2`');
    expect(yml.inputs.cleanup!.default).toBe('true');
    expect(yml.inputs['github-deployment']!.default).toBe('false');
    expect(yml.inputs.url!.required).not.toBe(true);
  });

  it('lists every input and output in the README', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const missing = [...Object.keys(yml.inputs), ...Object.keys(yml.outputs)].filter(
      (n) => !readme.includes('`' + n + '`'),
    );
    expect(missing).toEqual([]);
  });
});

describe('YAML examples in the README and docs/', () => {
  const pages = [
    'README.md',
    ...fs.readdirSync(path.join(ROOT, 'docs')).map((f) => path.join('docs', f)),
  ].filter((f) => f.endsWith('.md'));
  const blocks = pages.flatMap((page) =>
    [...fs.readFileSync(path.join(ROOT, page), 'utf8').matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map(
      (m, i) => [`${page} #${i + 1}`, m[1]!] as const,
    ),
  );

  it('finds the workflow examples', () => {
    expect(blocks.length).toBeGreaterThan(10);
  });

  it.each(blocks)('%s parses (a workflow GitHub would accept)', (_where, text) => {
    const doc = parseDocument(text);
    expect(doc.errors.map((e) => e.message)).toEqual([]);
  });
});
