/**
 * Spin's targets (protocol `fermyon`): Hippo's username/password login, Fermyon Cloud personal
 * access tokens, Fermyon's device-code flow and its refresh endpoint. JSON bodies in camelCase,
 * as Spin's clients send them (see docs/protocol-fermyon.md).
 */
import { needsLogin } from '../errors.js';
import type { HttpResponse } from '../http.js';
import type { TargetSpec } from '../target.js';
import { deviceAuthorizationOf, deviceDenied, deviceExpired, deviceLogin } from './device.js';
import { ensureOk, errorReason, givenTokenGrant, grantOf, parseJsonObject, toExpiry } from './responses.js';
import type { DeviceFlow, Grant, Protocol, ProtocolDeps } from './types.js';

/** The client id Spin and the cloud plugin hard-code for the device flow. */
export const SPIN_CLIENT_ID = '583e63e9-461f-4fbe-a246-23e0fb1cad10';

/** `{url}/api/...`, keeping any path prefix the target URL has (Hippo behind a reverse proxy). */
function apiUrl(spec: TargetSpec, path: string): string {
  return new URL(path, spec.url.endsWith('/') ? spec.url : spec.url + '/').href;
}

function postJson(
  spec: TargetSpec,
  deps: ProtocolDeps,
  path: string,
  body: Record<string, unknown>,
  what: string,
  attempts?: number,
): Promise<HttpResponse> {
  return deps.http.request({
    method: 'POST',
    url: apiUrl(spec, path),
    what,
    insecure: spec.insecure,
    attempts,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Hippo's and Fermyon's TokenInfo: `{token, expiration (RFC 3339), refreshToken?}`. */
function tokenInfoGrant(
  body: Record<string, unknown>,
  what: string,
  deps: ProtocolDeps,
  username?: string,
): Grant {
  const now = deps.now();
  const grant = grantOf(body.token, what, now, {
    expiresAt: toExpiry(body.expiration, 'date', now),
    refreshToken: body.refreshToken,
    username,
  });
  deps.secrets.add(grant.token);
  deps.secrets.add(grant.refreshToken);
  return grant;
}

/** Hippo: `/api/auth-tokens` since August 2022, `/api/account/createtoken` before (tried on 404). */
async function hippoLogin(spec: TargetSpec, password: string, deps: ProtocolDeps): Promise<Grant> {
  const body = { userName: spec.username ?? '', password };
  let what = `Hippo's token endpoint ${apiUrl(spec, 'api/auth-tokens')}`;
  let res = await postJson(spec, deps, 'api/auth-tokens', body, what);
  if (res.status === 404) {
    what = `Hippo's legacy token endpoint ${apiUrl(spec, 'api/account/createtoken')}`;
    deps.log(`${apiUrl(spec, 'api/auth-tokens')} answered 404; trying the older /api/account/createtoken.`);
    res = await postJson(spec, deps, 'api/account/createtoken', body, what);
  }
  return tokenInfoGrant(ensureOk(res, what), what, deps, spec.username);
}

/** Fermyon's device flow: not RFC 8628, but the same shape (see protocols.md §1.6). */
function fermyonDeviceFlow(spec: TargetSpec, deps: ProtocolDeps): DeviceFlow {
  const clientId = spec.clientId ?? SPIN_CLIENT_ID;
  return {
    async start() {
      const what = `the device-code endpoint ${apiUrl(spec, 'api/device-codes')}`;
      const body = ensureOk(await postJson(spec, deps, 'api/device-codes', { clientId }, what), what);
      return deviceAuthorizationOf(
        {
          deviceCode: body.deviceCode,
          userCode: body.userCode,
          verificationUri: body.verificationUrl,
          expiresIn: body.expiresIn,
          interval: body.interval,
        },
        what,
      );
    },
    async poll(deviceCode, opts = {}) {
      const what = `the token endpoint ${apiUrl(spec, 'api/auth-tokens')}`;
      const res = await postJson(
        spec,
        deps,
        'api/auth-tokens',
        { provider: 'DeviceFlow', clientId, providerCode: deviceCode },
        what,
        opts.singleAttempt ? 1 : undefined,
      );
      const body = parseJsonObject(res);
      if (res.status >= 200 && res.status < 300 && typeof body?.token === 'string' && body.token) {
        return { status: 'authorized', grant: tokenInfoGrant(body, what, deps) };
      }
      // Spin counts anything that is not a TokenInfo as "not yet". Only a problem that says the
      // code was denied or has expired ends the wait early; the code's lifetime bounds the rest.
      const { text } = errorReason(body);
      if (/\bdenied\b/i.test(text)) throw deviceDenied(spec);
      if (/\bexpired\b/i.test(text)) throw deviceExpired(spec);
      return { status: 'pending' };
    },
  };
}

export const fermyon: Protocol = {
  name: 'fermyon',
  methods: ['password', 'token', 'device'],
  async obtain(spec, creds, deps) {
    if (spec.method === 'token') {
      // A Fermyon Cloud personal access token is used as is: there is nothing to exchange.
      return givenTokenGrant(creds.token, deps.now());
    }
    if (spec.method === 'password') return hippoLogin(spec, creds.password ?? '', deps);
    return deviceLogin(spec, creds, deps);
  },
  async device(spec, _creds, deps) {
    return fermyonDeviceFlow(spec, deps);
  },
  async refresh(input, _creds, deps) {
    const what = `the token refresh endpoint ${apiUrl(input.spec, 'api/auth-tokens/refresh')}`;
    const res = await postJson(
      input.spec,
      deps,
      'api/auth-tokens/refresh',
      { token: input.token, refreshToken: input.refreshToken },
      what,
    );
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      const { text } = errorReason(parseJsonObject(res));
      throw needsLogin(
        `The refresh token for target "${input.spec.name}" was refused (HTTP ${res.status}${text ? `: ${text}` : ''}): log in again.`,
      );
    }
    return tokenInfoGrant(ensureOk(res, what), what, deps, input.spec.username);
  },
};
