import { DeployLoginError, invalidInput, needsLogin, unavailable } from '../errors.js';
import type { HttpResponse } from '../http.js';
import type { TargetSpec } from '../target.js';
import { hasHttpScheme, trimTrailingSlashes } from '../text.js';
import {
  checkBodyForMethod,
  fillTemplate,
  type ExpiryKind,
  type JsonLoginConfig,
  type JsonTemplate,
} from './json-config.js';
import {
  ensureOk,
  errorReason,
  givenTokenGrant,
  grantOf,
  parseJsonObject,
  pick,
  rejection,
  toExpiry,
} from './responses.js';
import type { Grant, Protocol, ProtocolDeps } from './types.js';

/** The configuration `prepareJsonTarget` stored in the target's options. */
export function jsonConfigOf(spec: Pick<TargetSpec, 'name' | 'options'>): JsonLoginConfig {
  const cfg = spec.options.json as JsonLoginConfig | undefined;
  if (!cfg || typeof cfg !== 'object' || typeof cfg.loginPath !== 'string' || !cfg.body) {
    throw invalidInput(
      `Target "${spec.name}" uses protocol "json" without its settings: give --login-path (or --json-recipe) when logging in.`,
    );
  }
  return cfg;
}

/** A path is joined to the target URL (its path included); an absolute URL is used as is. */
export function endpoint(spec: Pick<TargetSpec, 'url'>, pathOrUrl: string): string {
  if (hasHttpScheme(pathOrUrl)) return pathOrUrl;
  return trimTrailingSlashes(spec.url) + pathOrUrl;
}

/**
 * A 400 is usually a malformed request (exit 2), but Vault-style services answer a JWT they will
 * not accept (bad audience, expired, unknown signer) with 400 too: that is a rejected credential.
 */
const CREDENTIAL_WORDS =
  /\b(invalid|expired?|validat\w*|unauthori[sz]ed|denied|forbidden|signature|audience|claims?|credentials?|publisher)\b/i;

export function jsonRejection(res: HttpResponse, what: string): DeployLoginError {
  const err = rejection(res, what);
  if (err.outcome !== 'invalid-input') return err;
  const { text } = errorReason(parseJsonObject(res));
  if (res.status === 400 && CREDENTIAL_WORDS.test(text)) {
    return needsLogin(
      `${what} rejected the credentials with HTTP 400 (${text}): check them, or log in again.`,
    );
  }
  const why = text ? ` (${text})` : '';
  return invalidInput(
    `${what} refused the request with HTTP ${res.status}${why}: check the target's url and its json login settings (login path, body fields).`,
  );
}

async function postJson(
  spec: TargetSpec,
  deps: ProtocolDeps,
  url: string,
  body: JsonTemplate,
  what: string,
): Promise<HttpResponse> {
  return deps.http.request({
    method: 'POST',
    url,
    what,
    insecure: spec.insecure,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** PyPI-style discovery: the service says which audience its OIDC tokens must carry. */
async function discoverAudience(spec: TargetSpec, cfg: JsonLoginConfig, deps: ProtocolDeps): Promise<string> {
  const url = endpoint(spec, cfg.audiencePath!);
  const what = `the audience endpoint ${cfg.audiencePath}`;
  const res = await deps.http.request({ method: 'GET', url, what, insecure: spec.insecure });
  if (res.status < 200 || res.status >= 300) throw jsonRejection(res, what);
  const audience = ensureOk(res, what).audience;
  if (typeof audience !== 'string' || !audience) {
    throw invalidInput(`${what} answered without an "audience": set the audience yourself with --audience.`);
  }
  return audience;
}

/** Guess the expiry's kind when not told: big numbers are unix times, small ones lifetimes. */
function kindOf(value: unknown, told: ExpiryKind | undefined): ExpiryKind {
  if (told) return told;
  if (typeof value === 'string' && !/^\d+(\.\d+)?$/.test(value)) return 'date';
  return Number(value) > 1e9 ? 'unix' : 'seconds';
}

function grantFrom(
  res: HttpResponse,
  cfg: JsonLoginConfig,
  what: string,
  deps: ProtocolDeps,
  username?: string,
): Grant {
  const body = ensureOk(res, what);
  const token = pick(body, cfg.tokenField);
  if (typeof token !== 'string' || !token) {
    throw unavailable(
      `${what} answered without a token at "${cfg.tokenField}": check the token field setting (--token-field / json-token-field), or try again later.`,
    );
  }
  deps.secrets.add(token);
  const refreshToken = cfg.refreshTokenField ? pick(body, cfg.refreshTokenField) : undefined;
  if (typeof refreshToken === 'string') deps.secrets.add(refreshToken);
  let expiresAt: string | undefined;
  if (cfg.expiryField) {
    const raw = pick(body, cfg.expiryField);
    expiresAt = toExpiry(raw, kindOf(raw, cfg.expiryKind), deps.now());
  }
  return grantOf(token, what, deps.now(), { expiresAt, refreshToken, username });
}

export const json: Protocol = {
  name: 'json',
  methods: ['oidc', 'password', 'token'],
  async obtain(spec, creds, deps) {
    if (spec.method === 'token') return givenTokenGrant(creds.token, deps.now());
    const cfg = jsonConfigOf(spec);
    checkBodyForMethod(cfg, spec.method, (k) => (k === 'body' ? '--body (json-body)' : k));
    const audience = cfg.audiencePath ? await discoverAudience(spec, cfg, deps) : spec.audience;
    let jwt: string | undefined;
    if (spec.method === 'oidc') {
      // Fetched right before use: CI tokens live for minutes.
      jwt = await deps.idToken(audience);
      deps.secrets.add(jwt);
    }
    const body = fillTemplate(cfg.body, {
      jwt,
      username: spec.username,
      password: creds.password,
      audience,
    });
    const what = `the login endpoint ${cfg.loginPath}`;
    const res = await postJson(spec, deps, endpoint(spec, cfg.loginPath), body, what);
    if (res.status < 200 || res.status >= 300) throw jsonRejection(res, what);
    return grantFrom(res, cfg, what, deps, spec.username);
  },
  async refresh(input, _creds, deps) {
    const cfg = jsonConfigOf(input.spec);
    if (!cfg.refreshPath) {
      throw needsLogin(`Target "${input.spec.name}" has no refresh endpoint configured: log in again.`);
    }
    deps.secrets.add(input.refreshToken);
    const body = fillTemplate(cfg.refreshBody ?? { refreshToken: '{refreshToken}' }, {
      refreshToken: input.refreshToken,
      token: input.token,
      username: input.spec.username,
      audience: input.spec.audience,
    });
    const what = `the refresh endpoint ${cfg.refreshPath}`;
    const res = await postJson(input.spec, deps, endpoint(input.spec, cfg.refreshPath), body, what);
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      throw needsLogin(
        `The refresh token for target "${input.spec.name}" was refused (HTTP ${res.status}): log in again.`,
      );
    }
    if (res.status < 200 || res.status >= 300) throw jsonRejection(res, what);
    return grantFrom(res, cfg, what, deps, input.spec.username);
  },
};
