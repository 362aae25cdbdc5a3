import { parseArgs, type ParseArgsConfig } from 'node:util';
import { invalidInput } from '../core/errors.js';

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
  // Secrets on argv leak into process listings: refuse them with a pointer to the safe way.
  password: { type: 'string' },
  token: { type: 'string' },
};

export const RUN_OPTIONS: Options = {
  ...COMMON,
  relogin: { type: 'boolean' },
  timeout: { type: 'string' },
  'needs-login-pattern': { type: 'string', multiple: true },
  'needs-login-exit-code': { type: 'string', multiple: true },
};

export type Values = Record<string, string | boolean | string[] | undefined>;

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
