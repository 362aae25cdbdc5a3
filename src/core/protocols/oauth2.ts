import { invalidInput, needsLogin } from '../errors.js';
import type { HttpResponse } from '../http.js';
import type { Credentials, TargetSpec } from '../target.js';
import { ensureOk, grantOf, parseJsonObject, rejection } from './responses.js';
import type { Grant, Protocol, ProtocolDeps } from './types.js';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

export interface AuthServerMetadata {
  token_endpoint: string;
  device_authorization_endpoint?: string;
  revocation_endpoint?: string;
}

/**
 * RFC 8414 first (the well-known segment goes between host and path), then OIDC discovery.
 * Skipped entirely when the user gave `token-endpoint`.
 */
export async function discover(spec: TargetSpec, deps: ProtocolDeps): Promise<AuthServerMetadata> {
  if (spec.tokenEndpoint && typeof spec.options.deviceEndpoint !== 'string') {
    return { token_endpoint: spec.tokenEndpoint };
  }
  const base = new URL(spec.url);
  const pathPart = base.pathname.replace(/\/+$/, '');
  const candidates = [
    `${base.origin}/.well-known/oauth-authorization-server${pathPart}`,
    `${base.origin}${pathPart}/.well-known/openid-configuration`,
  ];
  for (const url of candidates) {
    const res = await deps.http.request({ method: 'GET', url, what: 'discovery', insecure: spec.insecure });
    if (res.status === 404 || res.status === 405) continue;
    if (res.status < 200 || res.status >= 300) throw rejection(res, `discovery at ${url}`);
    const meta = parseJsonObject(res);
    const tokenEndpoint = meta?.token_endpoint;
    if (typeof tokenEndpoint !== 'string') continue;
    const checked = new URL(tokenEndpoint, url);
    const device = meta?.device_authorization_endpoint;
    return {
      token_endpoint: spec.tokenEndpoint ?? checked.href,
      ...(typeof device === 'string' ? { device_authorization_endpoint: new URL(device, url).href } : {}),
      ...(typeof meta?.revocation_endpoint === 'string'
        ? { revocation_endpoint: meta.revocation_endpoint }
        : {}),
    };
  }
  throw invalidInput(
    `Could not discover the token endpoint of ${spec.url} (no RFC 8414 or OpenID metadata): set token-endpoint.`,
  );
}

/** client_secret_basic when a secret is configured, else a public client_id in the body. */
export function clientAuth(
  spec: TargetSpec,
  creds: Credentials,
): { headers: Record<string, string>; fields: Record<string, string> } {
  if (spec.clientId && creds.clientSecret) {
    const enc = (s: string) => encodeURIComponent(s);
    const basic = Buffer.from(`${enc(spec.clientId)}:${enc(creds.clientSecret)}`).toString('base64');
    return { headers: { authorization: `Basic ${basic}` }, fields: {} };
  }
  return { headers: {}, fields: spec.clientId ? { client_id: spec.clientId } : {} };
}

export async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string>,
  spec: TargetSpec,
  deps: ProtocolDeps,
  what = 'the token endpoint',
): Promise<HttpResponse> {
  return deps.http.request({
    method: 'POST',
    url,
    what,
    insecure: spec.insecure,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

function tokenGrant(res: HttpResponse, deps: ProtocolDeps, username?: string): Grant {
  const body = ensureOk(res, 'the token endpoint');
  const grant = grantOf(body.access_token, 'the token endpoint', deps.now(), {
    expiresIn: body.expires_in,
    refreshToken: body.refresh_token,
    username,
  });
  deps.secrets.add(grant.token);
  deps.secrets.add(grant.refreshToken);
  return grant;
}

function optionString(spec: TargetSpec, key: string): string | undefined {
  const v = spec.options[key];
  return typeof v === 'string' && v ? v : undefined;
}

export const oauth2: Protocol = {
  name: 'oauth2',
  methods: ['oidc', 'password', 'token', 'device'],
  async obtain(spec, creds, deps) {
    if (spec.method === 'token') {
      return grantOf(creds.token, 'the token input', deps.now());
    }
    if (spec.method === 'device') {
      const { deviceLogin } = await import('./device.js');
      return deviceLogin(spec, creds, deps);
    }
    const meta = await discover(spec, deps);
    const auth = clientAuth(spec, creds);
    const scope: Record<string, string> = spec.scope ? { scope: spec.scope } : {};
    if (spec.method === 'password') {
      const res = await postForm(
        meta.token_endpoint,
        {
          grant_type: 'password',
          username: spec.username ?? '',
          password: creds.password ?? '',
          ...scope,
          ...auth.fields,
        },
        auth.headers,
        spec,
        deps,
      );
      return tokenGrant(res, deps, spec.username);
    }
    // oidc: RFC 8693 with the CI's JWT as the subject token, fetched just before use.
    const subject = await deps.idToken(spec.audience);
    deps.secrets.add(subject);
    const fields: Record<string, string> = {
      grant_type: TOKEN_EXCHANGE,
      subject_token: subject,
      subject_token_type: optionString(spec, 'subjectTokenType') ?? JWT_TYPE,
      ...scope,
      ...auth.fields,
    };
    const requested = optionString(spec, 'requestedTokenType');
    if (requested) fields.requested_token_type = requested;
    const resource = optionString(spec, 'resource');
    if (resource) fields.resource = resource;
    const exchangeAudience = optionString(spec, 'exchangeAudience');
    if (exchangeAudience) fields.audience = exchangeAudience;
    const res = await postForm(meta.token_endpoint, fields, auth.headers, spec, deps);
    return tokenGrant(res, deps);
  },
  async refresh(input, creds, deps) {
    const meta = await discover(input.spec, deps);
    const auth = clientAuth(input.spec, creds);
    const res = await postForm(
      meta.token_endpoint,
      { grant_type: 'refresh_token', refresh_token: input.refreshToken, ...auth.fields },
      auth.headers,
      input.spec,
      deps,
    );
    if (res.status >= 400 && res.status < 500) {
      throw needsLogin(
        `The refresh token for target "${input.spec.name}" was refused (HTTP ${res.status}): log in again.`,
      );
    }
    return tokenGrant(res, deps, input.spec.username);
  },
};
