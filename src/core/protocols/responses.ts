import { isoTime } from '../time.js';
import { DeployLoginError, invalidInput, needsLogin, unavailable } from '../errors.js';
import type { HttpResponse } from '../http.js';
import { expiryOf, isExpired } from '../jwt.js';
import { parseJsonSafely } from '../redact.js';
import { printable } from '../target.js';
import type { Grant } from './types.js';

/** OAuth error codes that mean "these credentials are not (or no longer) good": log in again. */
const NEEDS_LOGIN_ERRORS = new Set([
  'invalid_grant',
  'invalid_client',
  'access_denied',
  'expired_token',
  'invalid_token',
  'invalid_target',
]);

/**
 * OAuth error codes that mean the request itself asks for something this client may not have: a
 * scope, or a grant type. Logging in again cannot help; the configuration has to change (exit 2).
 */
const CONFIG_ERRORS = new Set(['invalid_scope', 'unauthorized_client']);

export function parseJsonObject(res: HttpResponse): Record<string, unknown> | undefined {
  const parsed = parseJsonSafely(res.text);
  return parsed.ok && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value)
    ? (parsed.value as Record<string, unknown>)
    : undefined;
}

/** A short, printable reason from whatever error body the server sent (OAuth, ProblemDetails, Vault, PyPI). */
export function errorReason(body: Record<string, unknown> | undefined): { code?: string; text: string } {
  if (!body) return { text: '' };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const code = str(body.error) ?? str(body.code);
  const detail =
    str(body.error_description) ??
    str(body.detail) ??
    str(body.title) ??
    str(body.message) ??
    (Array.isArray(body.errors)
      ? body.errors
          .map((e) => (typeof e === 'string' ? e : (str((e as Record<string, unknown>)?.description) ?? '')))
          .join('; ')
      : undefined);
  const text = [code, detail].filter(Boolean).join(': ');
  return { code, text: printable(text).slice(0, 200) };
}

/** Turn a non-2xx answer from a login endpoint into the right outcome. */
export function rejection(res: HttpResponse, what: string): DeployLoginError {
  const body = parseJsonObject(res);
  const { code, text } = errorReason(body);
  const why = text ? ` (${text})` : '';
  if (res.status === 400 && code && CONFIG_ERRORS.has(code)) {
    return invalidInput(
      `${what} refused the request with HTTP 400${why}: check the scope and the client id (what this client is allowed to ask for).`,
    );
  }
  if (
    res.status === 401 ||
    res.status === 403 ||
    res.status === 422 ||
    (code && NEEDS_LOGIN_ERRORS.has(code))
  ) {
    return needsLogin(
      `${what} rejected the credentials with HTTP ${res.status}${why}: check them, or log in again.`,
    );
  }
  if (
    res.status === 400 ||
    res.status === 404 ||
    res.status === 405 ||
    res.status === 410 ||
    res.status === 415
  ) {
    return invalidInput(
      `${what} refused the request with HTTP ${res.status}${why}: check the target's url, protocol and token-endpoint.`,
    );
  }
  if (res.status >= 500 || res.status === 429 || res.status === 408) {
    return unavailable(`${what} answered HTTP ${res.status}${why}; try again later.`);
  }
  if (res.status >= 200 && res.status < 300 && !code) {
    // A success we cannot read (not JSON, an HTML portal page) is the server misbehaving, not the user's input.
    return unavailable(
      `${what} answered HTTP ${res.status} with a body deploy-login does not understand; try again later.`,
    );
  }
  return invalidInput(`${what} answered HTTP ${res.status}${why}, which deploy-login does not understand.`);
}

export function ensureOk(res: HttpResponse, what: string): Record<string, unknown> {
  if (res.status < 200 || res.status >= 300) throw rejection(res, what);
  const body = parseJsonObject(res);
  if (!body)
    throw unavailable(`${what} answered HTTP ${res.status} with a body that is not JSON; try again later.`);
  return body;
}

/** Read a dotted path ("auth.client_token") out of a JSON object. */
export function pick(body: unknown, dotted: string): unknown {
  let cur: unknown = body;
  for (const part of dotted.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Normalise an expiry given as RFC 3339, seconds-from-now, or a unix timestamp. */
export function toExpiry(value: unknown, kind: 'date' | 'seconds' | 'unix', now: number): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (kind === 'date' && typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : isoTime(t);
  }
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  const at = new Date(kind === 'unix' ? n * 1000 : now + n * 1000);
  // Beyond what a Date can hold (1e300 seconds): no expiry known, rather than a RangeError.
  return Number.isNaN(at.getTime()) ? undefined : isoTime(at.getTime());
}

const isoTimeOf = (d: Date | undefined) => d && isoTime(d.getTime());

/**
 * The grant of method `token`: the user's own token, stored as given. Nothing was asked of a
 * server, so what is wrong with it is the user's to fix, never "try again later": empty is bad
 * input (2), a JWT whose `exp` has passed needs a fresh login (3).
 */
export function givenTokenGrant(token: string | undefined, now: number, username?: string): Grant {
  if (token === undefined || token.trim() === '') {
    throw invalidInput('The token is empty: pass the deployment token from a secret.');
  }
  const expiresAt = isoTimeOf(expiryOf(token, undefined, now));
  if (expiresAt && isExpired(expiresAt, now)) {
    throw needsLogin(`The token given expired at ${expiresAt}: pass a fresh token.`);
  }
  return { token, ...(expiresAt ? { expiresAt } : {}), ...(username ? { username } : {}) };
}

/** Build a grant from a token and whatever expiry the server gave, falling back to the JWT's `exp`. */
export function grantOf(
  token: unknown,
  what: string,
  now: number,
  extra: { expiresAt?: string; expiresIn?: unknown; refreshToken?: unknown; username?: string } = {},
): Grant {
  if (typeof token !== 'string' || token.trim() === '') {
    throw unavailable(`${what} answered without a token; try again later, or check the target's protocol.`);
  }
  const expiresAt = extra.expiresAt ?? isoTimeOf(expiryOf(token, extra.expiresIn, now));
  if (expiresAt && isExpired(expiresAt, now)) {
    throw unavailable(
      `${what} issued a token that had already expired (at ${expiresAt}); check the target's clock and try again later.`,
    );
  }
  return {
    token,
    ...(expiresAt ? { expiresAt } : {}),
    ...(typeof extra.refreshToken === 'string' && extra.refreshToken
      ? { refreshToken: extra.refreshToken }
      : {}),
    ...(extra.username ? { username: extra.username } : {}),
  };
}
