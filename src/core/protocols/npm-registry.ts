import { isoTime } from '../time.js';
import { invalidInput, needsLogin } from '../errors.js';
import type { HttpResponse } from '../http.js';
import { ensureOk, errorReason, givenTokenGrant, grantOf, parseJsonObject, rejection } from './responses.js';
import type { Grant, Protocol, ProtocolDeps } from './types.js';
import { printable, type TargetSpec } from '../target.js';

/**
 * An npm registry (npmjs.org, verdaccio, Nexus, Artifactory...), `url` = the registry URL.
 *  - password: npm's legacy login, `PUT {registry}/-/user/org.couchdb.user:NAME` with the user's
 *    Basic credentials (what `npm login --auth-type=legacy` ends with) -> `{token}`. An existing
 *    account is never created: without Basic the registry would treat the PUT as a sign-up.
 *  - token: an npm access token, stored as is.
 *  - oidc: npm trusted publishing (npm/cli `lib/utils/oidc.js`): the CI's JWT for audience
 *    `npm:<registry host>` goes to `POST {registry}/-/npm/v1/oidc/token/exchange/package/<name>`
 *    as a bearer, and the answer's `{token}` is a short-lived publish token for that one package.
 * The default format is npmrc (`//host/path/:_authToken=`).
 */
export const npmRegistry: Protocol = {
  name: 'npm-registry',
  methods: ['password', 'token', 'oidc'],
  async obtain(spec, creds, deps) {
    if (spec.method === 'token') {
      return givenTokenGrant(creds.token, deps.now(), spec.username);
    }
    if (spec.method === 'password') return legacyLogin(spec, spec.username ?? '', creds.password ?? '', deps);
    return trustedPublishing(spec, deps);
  },
};

function json(res: HttpResponse): Record<string, unknown> | undefined {
  return parseJsonObject(res);
}

async function legacyLogin(
  spec: TargetSpec,
  name: string,
  password: string,
  deps: ProtocolDeps,
): Promise<Grant> {
  const what = `the npm registry ${spec.url}`;
  const res = await deps.http.request({
    method: 'PUT',
    url: `${spec.url}/-/user/org.couchdb.user:${encodeURIComponent(name)}`,
    what,
    insecure: spec.insecure,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`,
    },
    body: JSON.stringify({
      _id: `org.couchdb.user:${name}`,
      name,
      password,
      type: 'user',
      roles: [],
      date: isoTime(deps.now()),
    }),
  });
  const otp = /otp/i.test(res.headers['www-authenticate'] ?? '') || /one-time pass/i.test(res.text);
  if (res.status === 401 && otp) {
    throw needsLogin(
      `${what} wants a one-time password (two-factor authentication), which a CI login cannot give: use an access token (method token) or trusted publishing (method oidc).`,
    );
  }
  const body = ensureOk(res, what);
  // A registry with open sign-up (verdaccio's default) takes the PUT for an unknown name as a
  // sign-up and says so ("user 'x' created"): a mistyped username must not log in as a new account.
  if (typeof body.ok === 'string' && /\bcreated\b/i.test(body.ok)) {
    throw needsLogin(
      `${what} had no user "${printable(name)}" and created one instead of logging in: check the username (the new account stays on the registry; remove it there).`,
    );
  }
  return grantOf(body.token, what, deps.now(), { username: name });
}

/** `@scope/name` -> `@scope%2fname`, as npm-package-arg's escapedName. */
export function escapedPackageName(name: string): string {
  return name.replace('/', '%2f');
}

async function trustedPublishing(spec: TargetSpec, deps: ProtocolDeps): Promise<Grant> {
  const pkg = typeof spec.options.package === 'string' ? spec.options.package : '';
  if (!pkg) {
    throw invalidInput(
      'npm trusted publishing (protocol npm-registry, method oidc) is per package: give the package name with --package (Action input `package`).',
    );
  }
  const registry = new URL(spec.url);
  // resolveTarget defaults the audience to the URL's origin; npm's is `npm:<registry host>`.
  const audience = spec.audience === registry.origin ? `npm:${registry.hostname}` : spec.audience;
  const idToken = await deps.idToken(audience);
  deps.secrets.add(idToken);
  const what = `npm trusted publishing at ${spec.url}`;
  const res = await deps.http.request({
    method: 'POST',
    url: `${spec.url}/-/npm/v1/oidc/token/exchange/package/${escapedPackageName(pkg)}`,
    what,
    insecure: spec.insecure,
    headers: { authorization: `Bearer ${idToken}`, accept: 'application/json' },
    body: '',
  });
  if (res.status === 404) {
    const { text } = errorReason(json(res));
    throw invalidInput(
      `${what} has no trusted publisher for "${pkg}"${text ? ` (${text})` : ''}: add one for this repository and workflow in the package's settings, and check --package and the registry url.`,
    );
  }
  if (res.status < 200 || res.status >= 300) throw rejection(res, what);
  const body = ensureOk(res, what);
  return grantOf(body.token, what, deps.now());
}
