import { parseArgs, type ParseArgsConfig } from 'node:util';
import { invalidInput } from '../core/errors.js';
import { TOOL_OPTIONS } from '../core/tool-options.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

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

/** parseArgs, with its errors turned into one-sentence invalid-input errors. */
export function parse(
  command: string,
  argv: string[],
  options: Options,
  positionals = false,
): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: positionals, strict: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
    throw invalidInput(`${command}: ${msg}; see "deploy-login ${command} --help".`);
  }
}

export const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined);
export const list = (v: Values[string]): string[] =>
  Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
