import { invalidInput } from './errors.js';
import {
  isLoopbackIPv4,
  isTargetName,
  kebabCase,
  replaceControlChars,
  trimTrailingSlashes,
  unbracket,
} from './text.js';

/** `client-credentials`: the OAuth client's own credential (a secret, or a key signing RFC 7523 assertions). */
export const METHODS = ['auto', 'oidc', 'password', 'token', 'device', 'client-credentials'] as const;
export type MethodInput = (typeof METHODS)[number];
export type Method = Exclude<MethodInput, 'auto'>;

export const PROTOCOLS = ['oauth2', 'fermyon', 'json', 'npm-registry', 'docker-registry'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];

export const FORMATS = ['spin', 'env', 'docker', 'npmrc', 'netrc', 'kubeconfig'] as const;
export type Format = (typeof FORMATS)[number];

/** The credential file a protocol's deploy tool reads, written when `format` is not given. */
export const DEFAULT_FORMATS: Partial<Record<ProtocolName, Format[]>> = {
  'npm-registry': ['npmrc'],
  'docker-registry': ['docker'],
};

/** Raw, user-supplied values, as strings the way inputs and flags arrive. */
export interface TargetInput {
  target?: string;
  url?: string;
  method?: string;
  username?: string;
  audience?: string;
  protocol?: string;
  tokenEndpoint?: string;
  format?: string | string[];
  insecure?: string | boolean;
  clientId?: string;
  scope?: string;
  /** Protocol-specific options (e.g. the `json` protocol's paths), already parsed. */
  options?: Record<string, unknown>;
}

/** The secrets that go with a target; never stored, never printed. */
export interface Credentials {
  password?: string;
  token?: string;
  clientSecret?: string;
}

export interface TargetSpec {
  name: string;
  url: string;
  method: Method;
  protocol: ProtocolName;
  username?: string;
  audience: string;
  tokenEndpoint?: string;
  formats: Format[];
  insecure: boolean;
  clientId?: string;
  scope?: string;
  options: Record<string, unknown>;
}

/** How an input is named to the user: `url` in the Action, `--url` in the CLI, `targets[2].url` in a list. */
export type InputLabel = (key: keyof TargetInput | 'password' | 'token' | 'client-secret') => string;

export const actionLabel: InputLabel = (key) => `\`${kebabCase(key)}\``;

export function validateTargetName(name: string, label: string): string {
  if (!isTargetName(name)) {
    throw invalidInput(
      `${label} "${printable(name)}" is not a valid target name: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
    );
  }
  return name;
}

export function parseBoolean(value: string | boolean | undefined, label: string, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidInput(`${label} must be "true" or "false", not "${printable(value)}".`);
}

/**
 * DEPLOY_LOGIN_ALLOW_HTTP, read the same strict way wherever a URL is checked or a request sent:
 * "true" or "false" (unset: false); anything else is the user's mistake, said as such.
 */
export function allowsPlainHttp(env: Record<string, string | undefined>): boolean {
  return parseBoolean(env.DEPLOY_LOGIN_ALLOW_HTTP, 'DEPLOY_LOGIN_ALLOW_HTTP', false);
}

/**
 * The contract's loopback: `localhost`, 127.0.0.0/8 and [::1]. Not names under `.localhost`: RFC
 * 6761 asks resolvers to send them to loopback, but they are looked up like any other name (this
 * machine's resolver finds nothing for them), so one could lead plain http anywhere.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = unbracket(hostname).toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isLoopbackIPv4(h);
}

export interface UrlRules {
  allowHttp?: boolean;
}

/** A target URL: absolute http(s), no embedded credentials, plain http only to loopback unless allowed. */
export function validateUrl(raw: string, label: string, rules: UrlRules = {}): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalidInput(
      `${label} "${printable(raw)}" is not a URL: give an absolute URL such as https://deploy.example.com.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidInput(`${label} must start with https:// (got ${printable(url.protocol)}).`);
  }
  if (url.username || url.password) {
    throw invalidInput(
      `${label} must not carry credentials (user:password@host): pass them as username and password from secrets instead.`,
    );
  }
  if (url.protocol === 'http:' && !rules.allowHttp && !isLoopbackHost(url.hostname)) {
    throw invalidInput(
      `${label} uses plain http:// to a non-loopback host, which would send credentials unencrypted: use https://, or set DEPLOY_LOGIN_ALLOW_HTTP=true if you really mean it.`,
    );
  }
  url.hash = '';
  url.search = '';
  return trimTrailingSlashes(url.href);
}

function oneOf<T extends string>(value: string, allowed: readonly T[], label: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw invalidInput(`${label} "${printable(value)}" is not one of: ${allowed.join(', ')}.`);
}

export function parseFormats(value: string | string[] | undefined, label: string): Format[] {
  // Most logins give no format: skip compiling the expression below for nothing.
  if (!Array.isArray(value) && !value?.trim()) return [];
  const items = (Array.isArray(value) ? value : (value ?? '').split(/[\s,]+/))
    .map((s) => s.trim())
    .filter(Boolean);
  const formats = items.map((f) => oneOf(f, FORMATS, label));
  return [...new Set(formats)];
}

/** `auto` picks token if one is given, else password if a username is, else oidc. */
export function resolveMethod(
  input: string | undefined,
  creds: Credentials,
  username: string | undefined,
  label: string,
): Method {
  const m = oneOf((input ?? 'auto').trim() || 'auto', METHODS, label);
  if (m !== 'auto') return m;
  if (creds.token) return 'token';
  if (username) return 'password';
  return 'oidc';
}

export interface ResolveContext {
  label: InputLabel;
  allowHttp?: boolean;
  /** The protocol's own default URL when none is given (e.g. Fermyon Cloud). */
  defaultUrl?: string;
}

export function resolveTarget(input: TargetInput, creds: Credentials, ctx: ResolveContext): TargetSpec {
  const { label } = ctx;
  const name = validateTargetName((input.target ?? '').trim() || 'default', label('target'));
  const protocol = oneOf((input.protocol ?? '').trim() || 'oauth2', PROTOCOLS, label('protocol'));
  const rawUrl = (input.url ?? '').trim() || ctx.defaultUrl;
  if (!rawUrl)
    throw invalidInput(
      `${label('url')} is required: give the target's base URL, e.g. https://deploy.example.com.`,
    );
  const url = validateUrl(rawUrl, label('url'), { allowHttp: ctx.allowHttp });
  const username = input.username?.trim() || undefined;
  const method = resolveMethod(input.method, creds, username, label('method'));

  if (method === 'password') {
    if (!username) throw invalidInput(`${label('username')} is required with method "password".`);
    if (!creds.password)
      throw invalidInput(`${label('password')} is required with method "password": pass it from a secret.`);
  }
  if (method === 'token' && !creds.token?.trim()) {
    throw invalidInput(`${label('token')} is required with method "token": pass it from a secret.`);
  }
  const tokenEndpoint = input.tokenEndpoint?.trim()
    ? validateUrl(input.tokenEndpoint, label('tokenEndpoint'), { allowHttp: ctx.allowHttp })
    : undefined;
  if (tokenEndpoint && new URL(tokenEndpoint).origin !== new URL(url).origin) {
    // Allowed: many token services live on another host. Credentials go only where the user said.
  }
  const audience = input.audience?.trim() || new URL(url).origin;
  const formats = parseFormats(input.format, label('format'));
  if (formats.length === 0) formats.push(...(DEFAULT_FORMATS[protocol] ?? []));
  const insecure = parseBoolean(input.insecure, label('insecure'), false);
  return {
    name,
    url,
    method,
    protocol,
    username,
    audience,
    tokenEndpoint,
    formats,
    insecure,
    clientId: input.clientId?.trim() || undefined,
    scope: input.scope?.trim() || undefined,
    options: input.options ?? {},
  };
}

/** Quote user text in an error without letting control characters or huge values through. */
export function printable(value: string): string {
  const clean = replaceControlChars(value);
  return clean.length > 80 ? clean.slice(0, 77) + '...' : clean;
}
