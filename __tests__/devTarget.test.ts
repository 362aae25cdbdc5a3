/** Tests of the dev target itself (dev/target.mjs), at the HTTP level, through the jest helper. */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDevTarget, type DevTarget } from './helpers/devTarget.js';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

type Json = Record<string, unknown>;

function form(url: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const claimsOf = (jwt: string): Json =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

describe('dev target', () => {
  let target: DevTarget;
  const url = (p: string) => `${target.url}${p}`;

  beforeAll(async () => {
    target = await startDevTarget([], { DEV_TARGET_PASSWORD: 'pw-from-env' });
  });
  afterAll(async () => {
    await target?.close();
  });
  afterEach(async () => {
    await target.resetControl();
  });

  async function passwordLogin(): Promise<Json> {
    const res = await form(url('/oauth/token'), {
      grant_type: 'password',
      username: 'ci-deployer',
      password: 'pw-from-env',
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  }

  async function exchange(subjectToken: string) {
    const res = await form(url('/oauth/token'), {
      grant_type: TOKEN_EXCHANGE,
      subject_token: subjectToken,
      subject_token_type: JWT_TYPE,
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  it('prints a ready line describing itself', () => {
    expect(target.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(target.issuer).toBe(`${target.url}/ci`);
    expect(target.idTokenRequestUrl).toBe(`${target.url}/_apis/idtoken?api-version=2.0`);
    expect(target.audience).toBe(target.url);
    expect(target.users).toEqual({ 'ci-deployer': 'pw-from-env' });
    expect(target.pid).toBe(target.child.pid);
    expect(target.caFile).toBeUndefined();
  });

  it('serves RFC 8414 discovery', async () => {
    const meta = (await (await fetch(url('/.well-known/oauth-authorization-server'))).json()) as Json;
    expect(meta).toMatchObject({ issuer: target.url, token_endpoint: `${target.url}/oauth/token` });
    expect(meta.token_endpoint_auth_methods_supported).toEqual([
      'none',
      'client_secret_basic',
      'client_secret_post',
    ]);
  });

  describe('password grant', () => {
    it('issues a token for the right password', async () => {
      const body = await passwordLogin();
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      expect(typeof body.refresh_token).toBe('string');
      expect(claimsOf(body.access_token as string)).toMatchObject({ sub: 'ci-deployer', aud: target.url });
    });

    it('answers invalid_grant for a wrong password', async () => {
      const res = await form(url('/oauth/token'), {
        grant_type: 'password',
        username: 'ci-deployer',
        password: 'nope',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('answers 401 invalid_client for a wrong client secret', async () => {
      const basic = Buffer.from('deploy-cli:wrong').toString('base64');
      const res = await form(
        url('/oauth/token'),
        { grant_type: 'password', username: 'ci-deployer', password: 'pw-from-env' },
        { authorization: `Basic ${basic}` },
      );
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('rotates refresh tokens', async () => {
      const first = await passwordLogin();
      const refreshed = await form(url('/oauth/token'), {
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token as string,
      });
      expect(refreshed.status).toBe(200);
      const again = await form(url('/oauth/token'), {
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token as string,
      });
      expect(again.status).toBe(400);
    });
  });

  describe('CI id tokens and token exchange', () => {
    it('requires the request token on the GitHub-shaped endpoint', async () => {
      const denied = await fetch(`${target.idTokenRequestUrl}&audience=x`);
      expect(denied.status).toBe(401);
      const res = await fetch(`${target.idTokenRequestUrl}&audience=${encodeURIComponent(target.audience)}`, {
        headers: bearer(target.idTokenRequestToken),
      });
      const body = (await res.json()) as Json;
      expect(body.count).toBe(1);
      const claims = claimsOf(body.value as string);
      expect(claims).toMatchObject({
        iss: target.issuer,
        aud: target.audience,
        repository: 'octo-org/octo-repo',
      });
      expect((claims.exp as number) - (claims.iat as number)).toBe(300);
      expect((await exchange(body.value as string)).status).toBe(200);
    });

    it('exchanges a real id token for an access token', async () => {
      const { status, body } = await exchange(await target.idToken(target.audience));
      expect(status).toBe(200);
      expect(body).toMatchObject({
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
      });
    });

    it('answers invalid_target for the wrong audience', async () => {
      const { status, body } = await exchange(await target.idToken('https://elsewhere.example'));
      expect(status).toBe(400);
      expect(body.error).toBe('invalid_target');
    });

    it('answers invalid_grant for a tampered signature or an expired token', async () => {
      const token = await target.idToken(target.audience);
      const [h, p, s] = token.split('.');
      const tampered = `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
      expect((await exchange(tampered)).body.error).toBe('invalid_grant');
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claimsOf(token), sub: 'evil' })).toString('base64url')}.${s}`;
      expect((await exchange(forged)).body.error).toBe('invalid_grant');
      const expired = await target.idToken(target.audience, { exp: Math.floor(Date.now() / 1000) - 120 });
      expect((await exchange(expired)).body).toMatchObject({
        error: 'invalid_grant',
        error_description: 'JWT is expired',
      });
    });

    it('publishes a JWKS for the CI issuer', async () => {
      const config = (await (await fetch(url('/ci/.well-known/openid-configuration'))).json()) as Json;
      const jwks = (await (await fetch(config.jwks_uri as string)).json()) as { keys: Json[] };
      expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    });
  });

  it('accepts issued tokens on protected endpoints until revoke-all', async () => {
    const token = (await passwordLogin()).access_token as string;
    const ok = await fetch(url('/api/whoami'), { headers: bearer(token) });
    expect(await ok.json()).toMatchObject({ ok: true, sub: 'ci-deployer' });
    const failed = await fetch(url('/api/deploy?fail=1'), { method: 'POST', headers: bearer(token) });
    expect(failed.status).toBe(500);
    await target.revokeAll();
    const rejected = await fetch(url('/api/deploy'), { method: 'POST', headers: bearer(token) });
    expect(rejected.status).toBe(401);
    expect(rejected.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect((await fetch(url('/api/check'))).status).toBe(401);
  });

  it('runs the RFC 8628 device flow', async () => {
    const start = (await (await form(url('/oauth/device'), { client_id: 'deploy-cli' })).json()) as Json;
    const poll = async () =>
      (
        await form(url('/oauth/token'), {
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          device_code: start.device_code as string,
        })
      ).json() as Promise<Json>;
    expect((await poll()).error).toBe('authorization_pending');
    await target.device(start.user_code as string, 'slow_down');
    expect((await poll()).error).toBe('slow_down');
    await target.device(start.user_code as string, 'approve');
    expect(typeof (await poll()).access_token).toBe('string');
  });

  it('speaks the Fermyon/Hippo and JSON login shapes', async () => {
    const hippo = await postJson(url('/api/auth-tokens'), {
      userName: 'ci-deployer',
      password: 'pw-from-env',
    });
    const info = (await hippo.json()) as Json;
    expect(info.expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await fetch(url('/api/whoami'), { headers: bearer(info.token as string) })).status).toBe(200);
    const badHippo = await postJson(url('/api/auth-tokens'), { userName: 'ci-deployer', password: 'x' });
    expect(badHippo.status).toBe(401);
    expect(await badHippo.json()).toMatchObject({ title: 'Login failed' });

    const codes = (await (await postJson(url('/api/device-codes'), { clientId: 'c' })).json()) as Json;
    const fermyonPoll = () =>
      postJson(url('/api/auth-tokens'), {
        provider: 'DeviceFlow',
        clientId: 'c',
        providerCode: codes.deviceCode,
      });
    expect(await (await fermyonPoll()).json()).toMatchObject({ title: 'pending' });
    await target.device(codes.userCode as string, 'approve');
    const tokenInfo = (await (await fermyonPoll()).json()) as Json;
    const refreshed = await postJson(url('/api/auth-tokens/refresh'), tokenInfo);
    expect(await refreshed.json()).toMatchObject({
      token: expect.any(String),
      refreshToken: expect.any(String),
    });

    const vault = await postJson(url('/v1/auth/jwt/login'), {
      role: 'deploy',
      jwt: await target.idToken('vault'),
    });
    const clientToken = ((await vault.json()) as { auth: Json }).auth.client_token as string;
    expect((await fetch(url('/api/whoami'), { headers: bearer(clientToken) })).status).toBe(200);
    const badVault = await postJson(url('/v1/auth/jwt/login'), { jwt: await target.idToken('pypi') });
    expect(badVault.status).toBe(400);

    const pypi = await postJson(url('/_/oidc/mint-token'), { token: await target.idToken('pypi') });
    expect(await pypi.json()).toMatchObject({ success: true, token: expect.stringMatching(/^pypi-/) });
    const badPypi = await postJson(url('/_/oidc/mint-token'), { token: await target.idToken('vault') });
    expect(badPypi.status).toBe(422);

    const login = await postJson(url('/auth/login'), {
      domain: 'acme',
      username: 'ci-deployer',
      password: 'pw-from-env',
    });
    const session = (await login.json()) as Json;
    expect((await fetch(url('/auth/check'), { headers: bearer(session.token as string) })).status).toBe(200);
    const renewed = await postJson(url('/auth/refresh'), { refreshToken: session.refreshToken });
    expect(renewed.status).toBe(200);
  });

  describe('faults', () => {
    it('status: serves the injected status the given number of times, with Retry-After', async () => {
      await target.faults([{ path: '/healthz', kind: 'status', status: 503, times: 2, retryAfter: '1' }]);
      const first = await fetch(url('/healthz'));
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('1');
      expect((await fetch(url('/healthz'))).status).toBe(503);
      expect((await fetch(url('/healthz'))).status).toBe(200);
      const log = await target.log();
      expect(log.filter((r) => r.path === '/healthz').map((r) => r.status)).toEqual([503, 503, 200]);
    });

    it('reset: the connection dies mid-body', async () => {
      await target.faults([{ kind: 'reset' }]);
      const res = await fetch(url('/oauth/token'), { method: 'POST' });
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow();
    });

    it('hang: never answers', async () => {
      await target.faults([{ kind: 'hang' }]);
      await expect(fetch(url('/healthz'), { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    });

    it('trickle: the body arrives one byte at a time', async () => {
      await target.faults([{ kind: 'trickle', intervalMs: 30, body: '{"a":12}' }]);
      const started = Date.now();
      const res = await fetch(url('/oauth/token'), { method: 'POST' });
      expect(await res.json()).toEqual({ a: 12 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    });

    it('truncated: Content-Length promises more than arrives', async () => {
      await target.faults([{ kind: 'truncated' }]);
      const res = await fetch(url('/oauth/token'), { method: 'POST' });
      await expect(res.text()).rejects.toThrow();
    });

    it('invalid-json, html, no-token, expired-token: well-formed HTTP, bad content', async () => {
      await target.faults([
        { kind: 'invalid-json' },
        { kind: 'html', status: 502 },
        { kind: 'no-token' },
        { kind: 'expired-token' },
      ]);
      const post = () => fetch(url('/oauth/token'), { method: 'POST' });
      await expect((await post()).json()).rejects.toThrow();
      const html = await post();
      expect(html.status).toBe(502);
      expect(html.headers.get('content-type')).toMatch(/text\/html/);
      expect(await (await post()).json()).toEqual({ token_type: 'Bearer' });
      const expired = (await (await post()).json()) as Json;
      expect(expired.expires_in).toBeUndefined();
      expect(claimsOf(expired.access_token as string).exp as number).toBeLessThan(Date.now() / 1000);
      expect(
        (await fetch(url('/api/whoami'), { headers: bearer(expired.access_token as string) })).status,
      ).toBe(401);
    });

    it('oversize: a body of the requested size', async () => {
      await target.faults([{ kind: 'oversize', sizeBytes: 1024 * 1024 }]);
      const res = await fetch(url('/oauth/token'), { method: 'POST' });
      expect(Number(res.headers.get('content-length'))).toBe(1024 * 1024);
      expect((await res.arrayBuffer()).byteLength).toBe(1024 * 1024);
    });

    it('redirect: 307 to another origin, and the log says whether Authorization followed', async () => {
      await target.faults([{ path: '/api/whoami', kind: 'redirect' }]);
      const res = await fetch(url('/api/whoami'), { redirect: 'manual', headers: bearer('x') });
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toBe(`${target.url.replace('127.0.0.1', 'localhost')}/api/whoami`);
      expect(await target.log()).toEqual([
        expect.objectContaining({ path: '/api/whoami', authorization: true, fault: 'redirect' }),
      ]);
    });

    it('rejects unknown fault kinds', async () => {
      await expect(target.faults([{ kind: 'bogus' as 'hang' }])).rejects.toThrow(/400/);
    });
  });

  it('rate limits the token endpoint with 429 and Retry-After', async () => {
    const limited = await startDevTarget(['--rate', '5']);
    try {
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          form(`${limited.url}/oauth/token`, { grant_type: 'client_credentials' }),
        ),
      );
      const throttled = responses.filter((r) => r.status === 429);
      expect(throttled.length).toBeGreaterThanOrEqual(10);
      expect(throttled[0].headers.get('retry-after')).toBe('1');
      expect((await fetch(`${limited.url}/healthz`)).status).toBe(200); // only token endpoints are limited
    } finally {
      await limited.close();
    }
  });

  it('serves TLS that is untrusted without the CA and trusted with it', async () => {
    const secure = await startDevTarget(['--tls', '--legacy-hippo']);
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
      const caFile = secure.caFile as string;
      expect(fs.existsSync(caFile)).toBe(true);
      await expect(fetch(`${secure.url}/healthz`)).rejects.toThrow();
      const status = await new Promise<number>((resolve, reject) => {
        https
          .get(`${secure.url}/healthz`, { ca: fs.readFileSync(caFile), agent: false }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
      expect(status).toBe(200);
      // The helper's control calls trust the CA themselves.
      await secure.faults([{ kind: 'no-token' }]);
      // Only the trusting request reached HTTP; the failed handshake never did.
      expect((await secure.log()).map((r) => r.path)).toEqual(['/healthz']);
      await secure.close();
      expect(fs.existsSync(caFile)).toBe(false); // temp dir removed on exit
    } finally {
      await secure.close();
    }
  });

  it('the helper rejects when the target exits or stays silent', async () => {
    await expect(startDevTarget(['--port', 'not-a-port'])).rejects.toThrow(
      /exited before it was ready.*--port/s,
    );
    const silent = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dev-target-test-')), 'silent.mjs');
    fs.writeFileSync(silent, 'setInterval(() => {}, 1000);\n');
    await expect(startDevTarget([], {}, { script: silent, readyTimeoutMs: 300 })).rejects.toThrow(
      /no ready line/,
    );
    fs.rmSync(path.dirname(silent), { recursive: true, force: true });
  });
});
