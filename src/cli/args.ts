import { invalidInput } from '../core/errors.js';
import { TOOL_OPTIONS } from '../core/tool-options.js';

/** A flag may have a one-letter form (only `-h` does); values are given long (`--url X`). */
export type OptionSpec =
  | { type: 'boolean'; short?: string; multiple?: boolean }
  | { type: 'string'; short?: never; multiple?: boolean };
export type Options = Record<string, OptionSpec>;

export const COMMON: Options = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  target: { type: 'string' },
};

export const LOGIN_OPTIONS: Options = {
  ...COMMON,
  url: { type: 'string' },
  method: { type: 'string' },
  protocol: { type: 'string' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'token-stdin': { type: 'boolean' },
  audience: { type: 'string' },
  'token-endpoint': { type: 'string' },
  'client-id': { type: 'string' },
  scope: { type: 'string' },
  format: { type: 'string', multiple: true },
  insecure: { type: 'boolean' },
  'oidc-source': { type: 'string' },
  'id-token-env': { type: 'string' },
  'id-token-file': { type: 'string' },
  'azure-service-connection': { type: 'string' },
  // The target's "is this token still good?" endpoint, for status --verify.
  'check-url': { type: 'string' },
  // protocol json (src/cli/login-extras.ts): a recipe, or the login request and answer spelled out.
  'json-recipe': { type: 'string' },
  'login-path': { type: 'string' },
  body: { type: 'string', multiple: true },
  'token-field': { type: 'string' },
  'expiry-field': { type: 'string' },
  'expiry-kind': { type: 'string' },
  'refresh-path': { type: 'string' },
  'refresh-body': { type: 'string', multiple: true },
  'refresh-token-field': { type: 'string' },
  'check-path': { type: 'string' },
  'audience-path': { type: 'string' },
  // The device flow's two non-interactive halves (SIP 007): for editors, scripts and CI.
  'get-device-code': { type: 'boolean' },
  'check-device-code': { type: 'string' },
  // Several targets at once (src/cli/many.ts): a YAML list, and how many logins run in parallel.
  'targets-file': { type: 'string' },
  concurrency: { type: 'string' },
  // Credential-file and registry options (--package, --kube-server, ...): src/core/tool-options.ts.
  ...Object.fromEntries(TOOL_OPTIONS.map((o) => [o.name, { type: 'string' as const }])),
  // Secrets on argv leak into process listings: refuse them with a pointer to the safe way.
  password: { type: 'string' },
  token: { type: 'string' },
};

export const STATUS_OPTIONS: Options = {
  ...COMMON,
  'min-valid': { type: 'string' },
  verify: { type: 'boolean' },
};

export const RUN_OPTIONS: Options = {
  ...COMMON,
  relogin: { type: 'boolean' },
  timeout: { type: 'string' },
  'needs-login-pattern': { type: 'string', multiple: true },
  'needs-login-exit-code': { type: 'string', multiple: true },
};

export type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * `--flag VALUE` → `--flag=VALUE` for flags whose values may start with "-" (a base64url device
 * code does one time in 64), which parseArgs would otherwise take for an option.
 */
export function joinDashValues(argv: string[], flags: string[]): string[] {
  const out: string[] = [];
  const dash = argv.indexOf('--');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((dash < 0 || i < dash) && flags.includes(a) && i + 1 < argv.length && i + 1 !== dash) {
      out.push(`${a}=${argv[++i]}`);
    } else out.push(a);
  }
  return out;
}

/**
 * Strict option parsing with node:util parseArgs's rules and messages (`--name value`,
 * `--name=value`, `-h`, `--` ends options, unknown options and stray arguments refused, a value
 * that looks like an option refused unless written `--name=-value`), held to parseArgs by a
 * property test (__tests__/unit/args.test.ts). Ours because parseArgs validates the whole option
 * table on every call, which is most of a `login`'s argument handling time; a CLI run parses once.
 * Errors are one-sentence invalid-input errors.
 */
export function parse(
  command: string,
  argv: string[],
  options: Options,
  positionals = false,
): { values: Values; positionals: string[] } {
  try {
    return parseStrict(argv, options, positionals);
  } catch (err) {
    if (!(err instanceof ArgError)) throw err;
    // The CLI prefixes every error with "deploy-login <command>:" already: say the command once.
    throw invalidInput(`${err.message}${err.fix ?? ''}; see "deploy-login ${command} --help".`);
  }
}

/** The parser's refusal (worded as node:util parseArgs words it), and how to write it instead. */
class ArgError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

const looksLikeOption = (v: string) => v.length > 1 && v[0] === '-';
const label = (name: string, o: OptionSpec) => (o.short ? `-${o.short}, --${name}` : `--${name}`);

export function parseStrict(
  argv: string[],
  options: Options,
  allowPositionals = false,
): { values: Values; positionals: string[] } {
  const values: Values = Object.create(null) as Values;
  const rest: string[] = [];
  const spec = (name: string) => (Object.hasOwn(options, name) ? options[name] : undefined);
  const set = (name: string, o: OptionSpec, value: string | boolean) => {
    if (!o.multiple) values[name] = value;
    else ((values[name] ??= []) as (string | boolean)[]).push(value);
  };
  const positional = (arg: string) => {
    if (!allowPositionals) throw new ArgError(`Unexpected argument '${arg}'`);
    rest.push(arg);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      for (const p of argv.slice(i + 1)) positional(p);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const o = spec(name);
      if (!o) throw new ArgError(`Unknown option '${name ? `--${name}` : arg}'`);
      if (o.type === 'boolean') {
        if (eq >= 0)
          throw new ArgError(
            `Option '${label(name, o)}' does not take an argument`,
            ` (give --${name} alone for true, leave it out for false)`,
          );
        set(name, o, true);
      } else if (eq >= 0) set(name, o, arg.slice(eq + 1));
      else {
        const value = argv[++i];
        if (value === undefined) throw new ArgError(`Option '${label(name, o)} <value>' argument missing`);
        if (looksLikeOption(value))
          throw new ArgError(
            `Option '--${name}' argument is ambiguous`,
            ` (a value that starts with "-" is written --${name}=VALUE)`,
          );
        set(name, o, value);
      }
    } else if (looksLikeOption(arg)) {
      // A group of one-letter flags ("-h", "-hh").
      for (const letter of arg.slice(1)) {
        const name = Object.keys(options).find((k) => options[k]!.short === letter);
        if (name === undefined) throw new ArgError(`Unknown option '-${letter}'`);
        set(name, options[name]!, true);
      }
    } else positional(arg);
  }
  return { values, positionals: rest };
}

export const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined);
export const list = (v: Values[string]): string[] =>
  Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
