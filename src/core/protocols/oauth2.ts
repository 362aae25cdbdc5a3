import { invalidInput, needsLogin } from '../errors.js';
import type { HttpResponse } from '../http.js';
import type { Credentials, TargetSpec } from '../target.js';
import { trimTrailingSlashes } from '../text.js';
import { ensureOk, givenTokenGrant, grantOf, parseJsonObject, rejection } from './responses.js';
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
  const pathPart = trimTrailingSlashes(base.pathname);
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

/**
 * Client authentication for one token request: a signed RFC 7523 client assertion when a key is
 * configured (`private_key_jwt`; aud = the token endpoint), else clientAuth's secret or public id.
 * The key is loaded first (`prepareClientAuth`), so a bad key fails before anything is sent.
 */
type ClientAuth = (tokenEndpoint: string) => {
  headers: Record<string, string>;
  fields: Record<string, string>;
};

async function prepareClientAuth(
  spec: TargetSpec,
  creds: Credentials,
  deps: ProtocolDeps,
): Promise<ClientAuth> {
  if (typeof spec.options.clientAssertionKey !== 'string' && !deps.env.DEPLOY_LOGIN_CLIENT_ASSERTION_KEY) {
    return () => clientAuth(spec, creds);
  }
  const { loadSigningKey, signClientAssertion, CLIENT_ASSERTION_TYPE, ASSERTION_KEY_ENV } =
    await import('./client-assertion.js');
  const keyText = deps.env[ASSERTION_KEY_ENV];
  deps.secrets.add(keyText);
  // A PEM is many lines; a log shows lines: mask each (the runner's add-mask is per value).
  for (const line of keyText?.split(/\r?\n/) ?? [])
    if (line.length >= 16 && !line.startsWith('-----')) deps.secrets.add(line);
  const key = loadSigningKey(spec, deps.env)!;
  if (!spec.clientId)
    throw invalidInput("A client assertion key needs client-id (--client-id): it is the assertion's issuer.");
  const clientId = spec.clientId;
  return (tokenEndpoint) => {
    const assertion = signClientAssertion(clientId, tokenEndpoint, key, deps.now());
    deps.secrets.add(assertion);
    return {
      headers: {},
      fields: {
        client_id: clientId,
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: assertion,
      },
    };
  };
}

function optionString(spec: TargetSpec, key: string): string | undefined {
  const v = spec.options[key];
  return typeof v === 'string' && v ? v : undefined;
}

export const oauth2: Protocol = {
  name: 'oauth2',
  methods: ['oidc', 'password', 'token', 'device', 'client-credentials'],
  async obtain(spec, creds, deps) {
    if (spec.method === 'token') {
      return givenTokenGrant(creds.token, deps.now());
    }
    if (spec.method === 'device') {
      const { deviceLogin } = await import('./device.js');
      return deviceLogin(spec, creds, deps);
    }
    // oidc: the CI's JWT first, so a job without a token (no `id-token: write`) fails before
    // anything is sent to the target. It lives minutes; discovery takes a moment.
    const authFor = await prepareClientAuth(spec, creds, deps);
    if (spec.method === 'client-credentials') checkClientCredentials(spec, creds, deps);
    const subject = spec.method === 'oidc' ? await deps.idToken(spec.audience) : undefined;
    deps.secrets.add(subject);
    const meta = await discover(spec, deps);
    const auth = authFor(meta.token_endpoint);
    const scope: Record<string, string> = spec.scope ? { scope: spec.scope } : {};
    if (spec.method === 'client-credentials') {
      const resource = optionString(spec, 'resource');
      const res = await postForm(
        meta.token_endpoint,
        { grant_type: 'client_credentials', ...scope, ...(resource ? { resource } : {}), ...auth.fields },
        auth.headers,
        spec,
        deps,
      );
      return tokenGrant(res, deps, spec.username);
    }
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
    // oidc: RFC 8693 with the CI's JWT as the subject token.
    const fields: Record<string, string> = {
      grant_type: TOKEN_EXCHANGE,
      subject_token: subject ?? '',
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
  async device(spec, creds, deps) {
    const { oauth2DeviceFlow } = await import('./device.js');
    return oauth2DeviceFlow(spec, creds, deps);
  },
  async refresh(input, creds, deps) {
    const authFor = await prepareClientAuth(input.spec, creds, deps);
    const meta = await discover(input.spec, deps);
    const auth = authFor(meta.token_endpoint);
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

/** client_credentials needs the client's id and its own credential: say which, before anything is sent. */
function checkClientCredentials(spec: TargetSpec, creds: Credentials, deps: ProtocolDeps): void {
  if (!spec.clientId)
    throw invalidInput(
      'method "client-credentials" needs client-id (--client-id): the OAuth client to log in as.',
    );
  if (
    !creds.clientSecret &&
    typeof spec.options.clientAssertionKey !== 'string' &&
    !deps.env.DEPLOY_LOGIN_CLIENT_ASSERTION_KEY
  ) {
    throw invalidInput(
      'method "client-credentials" needs the client\'s credential: client-assertion-key (a private key file, or the key in DEPLOY_LOGIN_CLIENT_ASSERTION_KEY) or the client secret (DEPLOY_LOGIN_CLIENT_SECRET).',
    );
  }
}
