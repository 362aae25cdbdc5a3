/**
 * src/action/runner.ts speaks the runner's command protocol by hand (to keep @actions/core's
 * undici off the Action's start-up path). This holds it to the real @actions/core: the same
 * operations must give the same outputs, state, variables, PATH, summary and log commands.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as runner from '../../src/action/runner';
import { parseFileCommands } from '../helpers/dist';

type Op = [string, ...string[]];
const OPS: Op[] = [
  ['setOutput', 'outcome', 'success'],
  ['setOutput', 'multi', 'line one\nline two\r\nwith = and << inside'],
  ['saveState', 'deploy-login', '{"storePath":"/tmp/x","targets":["a"]}'],
  ['exportVariable', 'DEPLOY_LOGIN_CONFIG', '/tmp/deploy-login/credentials.json'],
  ['addPath', '/tmp/deploy-login/bin'],
  ['setSecret', 'CANARY-not-a-real-secret-%value:with,chars'],
  ['info', 'plain info line'],
  ['warning', 'a warning with 100% of\nits text, and: colons'],
  ['error', 'an error\r\nover lines'],
  ['debug', 'debug text'],
  ['startGroup', 'group: one'],
  ['endGroup'],
  ['summary', '<table><tr><td>x</td></tr></table>\n'],
];

function sandbox() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-conformance-'));
  const files: Record<string, string> = {};
  for (const n of ['OUTPUT', 'STATE', 'ENV', 'PATH', 'STEP_SUMMARY']) {
    files[`GITHUB_${n}`] = path.join(dir, n.toLowerCase());
    fs.writeFileSync(files[`GITHUB_${n}`]!, '');
  }
  const read = () =>
    Object.fromEntries(Object.entries(files).map(([k, f]) => [k, fs.readFileSync(f, 'utf8')])) as Record<
      string,
      string
    >;
  return { dir, files, read };
}

function viaActionsCore() {
  const box = sandbox();
  const r = spawnSync(
    process.execPath,
    [path.join(__dirname, '..', 'helpers', 'actions-core-ops.mjs'), JSON.stringify(OPS)],
    {
      env: { PATH: process.env.PATH, ...box.files },
      encoding: 'utf8',
    },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return { stdout: r.stdout, files: box.read() };
}

function viaRunner() {
  const box = sandbox();
  const saved = { ...process.env };
  let stdout = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    Object.assign(process.env, box.files);
    const fns = runner as unknown as Record<string, (...a: string[]) => void>;
    for (const [op, ...args] of OPS) {
      if (op === 'summary') runner.appendSummary(args[0]!);
      else fns[op]!(...args);
    }
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
  return { stdout, files: box.read() };
}

describe('runner.ts against @actions/core', () => {
  const core = viaActionsCore();
  const ours = viaRunner();

  it.each(['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV'])(
    'writes %s with the same name/value pairs',
    (file) => {
      expect(parseFileCommands(ours.files[file]!)).toEqual(parseFileCommands(core.files[file]!));
      expect(Object.keys(parseFileCommands(core.files[file]!)).length).toBeGreaterThan(0);
    },
  );

  it('adds the same PATH entry and the same job summary text', () => {
    expect(ours.files.GITHUB_PATH).toBe(core.files.GITHUB_PATH);
    expect(ours.files.GITHUB_STEP_SUMMARY).toBe(core.files.GITHUB_STEP_SUMMARY);
  });

  it('prints the same log commands, escaped the same way', () => {
    const lines = (s: string) =>
      s.split(/\r?\n/).filter((l) => l.startsWith('::') || l === 'plain info line');
    expect(lines(ours.stdout)).toEqual(lines(core.stdout));
    expect(lines(core.stdout).length).toBeGreaterThanOrEqual(7);
  });
});
