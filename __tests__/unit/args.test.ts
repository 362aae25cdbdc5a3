/**
 * The CLI's option parser (src/cli/args.ts) must accept and refuse exactly what node:util parseArgs
 * does in strict mode, with the same values, positionals and (first-line) messages, for every
 * command's real option table: it replaced parseArgs only for start-up time.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import {
  COMMON,
  LOGIN_OPTIONS,
  RUN_OPTIONS,
  STATUS_OPTIONS,
  parse,
  parseStrict,
  type Options,
} from '../../src/cli/args';
import { DeployLoginError } from '../../src/core/errors';

const TABLES: [string, Options, boolean][] = [
  ['login', LOGIN_OPTIONS, false],
  ['status', STATUS_OPTIONS, false],
  ['run', RUN_OPTIONS, false],
  ['common', COMMON, false],
  ['use', { help: COMMON.help! }, true],
];

/** parseArgs's answer in the shape ours gives: values and positionals, or the message's first sentence. */
function reference(argv: string[], options: Options, allowPositionals: boolean) {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: { ...r.values }, positionals: r.positionals };
  } catch (err) {
    const first = (err as Error).message.split('\n')[0]!;
    return {
      error: first
        .replace(/\. To specify a positional argument.*$/, '')
        .replace(/(\.|\. This command.*)$/, ''),
    };
  }
}

function ours(argv: string[], options: Options, allowPositionals: boolean) {
  try {
    const r = parseStrict(argv, options, allowPositionals);
    return { values: { ...r.values }, positionals: r.positionals };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function argArb(options: Options) {
  const names = Object.keys(options);
  const value = fc.oneof(
    fc.constantFrom('', '-', '--', '-x', '--url', 'v', 'a=b', 'https://x.example', ' ', '=', '-h'),
    fc.string({ maxLength: 6 }),
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names).map((n) => `--${n}`) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...names), value).map(([n, v]) => `--${n}=${v}`) },
    { weight: 3, arbitrary: value },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '-h',
        '-hh',
        '-x',
        '-hx',
        '-h=1',
        '--',
        '--=x',
        '--=',
        '--nope',
        '--help=',
        '-',
      ),
    },
  );
}

describe('parseStrict agrees with node:util parseArgs (strict)', () => {
  test.each(TABLES)('%s options', (_, options, allowPositionals) => {
    fc.assert(
      fc.property(fc.array(argArb(options), { maxLength: 6 }), (argv) => {
        expect(ours(argv, options, allowPositionals)).toEqual(reference(argv, options, allowPositionals));
      }),
      { numRuns: 1500, seed: 20261121 },
    );
  });

  test.each<[string[], unknown]>([
    [['--url', 'https://x', '--json'], { values: { url: 'https://x', json: true }, positionals: [] }],
    [['--format', 'spin', '--format=docker'], { values: { format: ['spin', 'docker'] }, positionals: [] }],
    [['--url=-odd'], { values: { url: '-odd' }, positionals: [] }],
    [['--url', '-'], { values: { url: '-' }, positionals: [] }],
    [['--colour'], { error: "Unknown option '--colour'" }],
    [['--json=yes'], { error: "Option '--json' does not take an argument" }],
    [['--url'], { error: "Option '--url <value>' argument missing" }],
    [['--url', '--json'], { error: "Option '--url' argument is ambiguous" }],
    [['deploy'], { error: "Unexpected argument 'deploy'" }],
    [['--', 'x'], { error: "Unexpected argument 'x'" }],
    [['toString'], { error: "Unexpected argument 'toString'" }],
    [['--toString'], { error: "Unknown option '--toString'" }],
    [['--__proto__=x'], { error: "Unknown option '--__proto__'" }],
  ])('%j', (argv, expected) => {
    expect(ours(argv, LOGIN_OPTIONS, false)).toEqual(expected);
    expect(reference(argv, LOGIN_OPTIONS, false)).toEqual(expected);
  });

  test('errors become one sentence that names the command and its help', () => {
    let err: unknown;
    try {
      parse('login', ['--colour'], LOGIN_OPTIONS);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DeployLoginError);
    expect((err as DeployLoginError).exitCode).toBe(2);
    expect((err as Error).message).toBe(`Unknown option '--colour'; see "deploy-login login --help".`);
  });
});
