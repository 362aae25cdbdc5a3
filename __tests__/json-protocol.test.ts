/**
 * protocol json: the three recipes (Vault JWT login, PyPI-style mint with audience discovery, a
 * JWT auth service with domain, refresh and check endpoints) and a hand-written configuration,
 * from the built CLI and the Action against the dev target; plus how its answers map to exit codes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addCanary, CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { baseEnv, makeRunnerDirs, runActionStep, runCli } from './helpers/dist';
import { parseTemplate, prepareJsonTarget, cliJsonLabel } from '../src/core/protocols/json-config';

let target: DevTarget;
let dir: string;

beforeAll(async () => {
  target = await startDevTarget([], {
    DEV_TARGET_PASSWORD: CANARY.password,
    DEV_TARGET_REQUEST_TOKEN: CANARY.requestToken,
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-json-'));
});
afterAll(async () => {
  await target?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await target.resetControl();
});

interface Stored {
  token: string;
  expiresAt?: string;
  refreshToken?: string;
  audience?: string;
  options?: { json?: Record<string, unknown> };
}

let n = 0;
function session(extraEnv: NodeJS.ProcessEnv = {}) {
  const store = path.join(dir, `s${++n}`, 'credentials.json');
  const env = baseEnv({
    HOME: dir,
    DEPLOY_LOGIN_CONFIG: store,
    DEPLOY_LOGIN_MAX_ATTEMPTS: '2',
    DEPLOY_LOGIN_RETRY_BASE_MS: '10',
    ...extraEnv,
  });
  const read = (name = 'default'): Stored => {
    const t = JSON.parse(fs.readFileSync(store, 'utf8')).targets[name] as Stored;
    addCanary(t.token);
    if (t.refreshToken) addCanary(t.refreshToken);
    return t;
  };
  const cli = (args: string[], more: NodeJS.ProcessEnv = {}) => runCli(args, { env: { ...env, ...more } });
  return { cli, read, store };
}

const github = () => ({ ...target.githubEnv(), GITHUB_ACTIONS: 'true' });

describe('recipe vault (POST /v1/auth/jwt/login {role, jwt} -> auth.client_token, lease_duration)', () => {
  it('logs in with the GitHub OIDC token requested for audience "vault"', async () => {
    const s = session(github());
    const before = Date.now();
    const r = await s.cli([
      'login',
      '--url',
      target.url,
      '--json-recipe',
      'vault',
      '--body',
      'role=deploy',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'success', method: 'oidc' });
    const t = s.read();
    expect(t.token).toMatch(/^hvs\./);
    // lease_duration (3600 s) counted from the login.
    const left = Date.parse(t.expiresAt!) - before;
    expect(left).toBeGreaterThan(3590_000);
    expect(left).toBeLessThan(3610_000);
    expect(t.audience).toBe('vault');
    expect(t.options?.json).toMatchObject({ recipe: 'vault', body: { role: 'deploy', jwt: '{jwt}' } });
    const log = await target.log();
    expect(log.map((e) => e.path)).toEqual(['/_apis/idtoken', '/v1/auth/jwt/login']);
  });

  it('calls a JWT Vault will not accept (wrong audience, HTTP 400) needs login, exit 3', async () => {
    const jwt = await target.idToken('not-vault');
    addCanary(jwt);
    const s = session({ GITLAB_CI: 'true', DEPLOY_LOGIN_ID_TOKEN: jwt });
    const r = await s.cli(['login', '--url', target.url, '--json-recipe', 'vault', '--body', 'role=deploy']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('rejected the credentials with HTTP 400 (error validating token');
  });

  it('calls an unknown role (HTTP 400) a configuration problem, exit 2', async () => {
    const s = session(github());
    const r = await s.cli(['login', '--url', target.url, '--json-recipe', 'vault', '--body', 'role=nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('role "nope" could not be found');
  });
});

describe('recipe pypi (GET /_/oidc/audience, POST /_/oidc/mint-token {token} -> {token, expires})', () => {
  it('discovers the audience, requests the OIDC token for it, and mints', async () => {
    const s = session(github());
    const r = await s.cli(['login', '--url', target.url, '--json-recipe', 'pypi']);
    expect(r.code).toBe(0);
    const t = s.read();
    expect(t.token).toMatch(/^pypi-/);
    expect(t.expiresAt).toMatch(/^\d{4}-/);
    expect((await target.log()).map((e) => e.path)).toEqual([
      '/_/oidc/audience',
      '/_apis/idtoken',
      '/_/oidc/mint-token',
    ]);
  });

  it('calls a refused token (HTTP 422 invalid-token) needs login, exit 3', async () => {
    const s = session(github());
    // An explicit audience wins over discovery; PyPI only accepts "pypi".
    const r = await s.cli(['login', '--url', target.url, '--json-recipe', 'pypi', '--audience', 'other']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('HTTP 422');
    expect((await target.log()).map((e) => e.path)).not.toContain('/_/oidc/audience');
  });
});

describe('recipe jwt-service (POST /auth/login {domain, username, password}, /auth/refresh, /auth/check)', () => {
  const login = [
    'login',
    '--json-recipe',
    'jwt-service',
    '--body',
    'domain=acme',
    '--username',
    'ci-deployer',
    '--target',
    'svc',
  ];

  it('logs in with a password, verifies with the check endpoint, refreshes, and notices revocation', async () => {
    const s = session({ DEPLOY_LOGIN_PASSWORD: CANARY.password });
    const r = await s.cli([...login, '--url', target.url]);
    expect(r.stderr).toContain('Logged in to "svc"');
    expect(r.code).toBe(0);
    const first = s.read('svc');
    expect(first.refreshToken).toBeTruthy();
    // The JWT's own exp gives the expiry when the answer has none.
    expect(first.expiresAt).toMatch(/^\d{4}-/);

    const verify = await s.cli(['status', '--target', 'svc', '--verify', '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ state: 'valid', verified: true });

    const refreshed = await s.cli(['refresh', '--target', 'svc', '--json']);
    expect(refreshed.code).toBe(0);
    const second = s.read('svc');
    expect(second.token).not.toBe(first.token);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await target.log()).map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      'POST /auth/login 200',
      'GET /auth/check 200',
      'POST /auth/refresh 200',
    ]);

    await target.revokeAll();
    const revoked = await s.cli(['status', '--target', 'svc', '--verify']);
    expect(revoked.code).toBe(3);
    expect(revoked.stderr).toContain('The target says the token for "svc" is no longer valid (HTTP 401');
    const again = await s.cli(['refresh', '--target', 'svc']);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('was refused (HTTP 401)');
  });

  it('calls a wrong password needs login (401, exit 3) and a missing domain invalid input (exit 2, nothing sent)', async () => {
    const wrong = session({ DEPLOY_LOGIN_PASSWORD: 'wrong-password' });
    expect((await wrong.cli([...login, '--url', target.url])).code).toBe(3);
    const s = session({ DEPLOY_LOGIN_PASSWORD: CANARY.password });
    const r = await s.cli([
      'login',
      '--url',
      target.url,
      '--json-recipe',
      'jwt-service',
      '--username',
      'ci-deployer',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--json-recipe "jwt-service" needs a "domain" field in the login body: add --body domain=VALUE.',
    );
    expect((await target.log()).filter((e) => e.path === '/auth/login')).toHaveLength(1);
  });

  it('calls a login endpoint that keeps failing (503) unavailable, exit 5', async () => {
    await target.faults([{ path: '/auth/login', kind: 'status', status: 503, times: -1 }]);
    const s = session({ DEPLOY_LOGIN_PASSWORD: CANARY.password });
    const r = await s.cli([...login, '--url', target.url]);
    expect(r.code).toBe(5);
  });
});

describe('a hand-written json login', () => {
  it('posts the body with placeholders filled in and reads the fields it is told', async () => {
    const s = session({ DEPLOY_LOGIN_PASSWORD: CANARY.password });
    const r = await s.cli([
      'login',
      '--url',
      target.url,
      '--protocol',
      'json',
      '--username',
      'ci-deployer',
      '--login-path',
      '/auth/login',
      '--body',
      'domain=acme',
      '--body',
      'username={username}',
      '--body',
      'password={password}',
      '--token-field',
      'token',
      '--refresh-path',
      '/auth/refresh',
      '--check-path',
      '/auth/check',
    ]);
    expect(r.stderr).toContain('Logged in');
    expect(r.code).toBe(0);
    expect(s.read().options?.json).toEqual({
      loginPath: '/auth/login',
      body: { domain: 'acme', username: '{username}', password: '{password}' },
      tokenField: 'token',
      refreshPath: '/auth/refresh',
      refreshBody: { refreshToken: '{refreshToken}' },
      refreshTokenField: 'refreshToken',
      checkPath: '/auth/check',
    });
    expect((await s.cli(['status', '--verify'])).code).toBe(0);
  });

  it('names the field when the answer has no token there (exit 5) and refuses bad settings (exit 2)', async () => {
    const s = session({ DEPLOY_LOGIN_PASSWORD: CANARY.password });
    const base = [
      'login',
      '--url',
      target.url,
      '--json-recipe',
      'jwt-service',
      '--body',
      'domain=acme',
      '--username',
      'ci-deployer',
    ];
    const r = await s.cli([...base, '--token-field', 'auth.client_token']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('answered without a token at "auth.client_token"');
    for (const [flags, message] of [
      [['--json-recipe', 'consul'], '--json-recipe "consul" is not one of: vault, pypi, jwt-service.'],
      [['--protocol', 'json'], '--login-path is required with protocol "json"'],
      [
        ['--protocol', 'json', '--login-path', 'auth/login'],
        '--login-path "auth/login" must be a path starting with "/"',
      ],
      [['--json-recipe', 'vault', '--body', 'x={secret}'], '--body uses the placeholder {secret}'],
      [['--json-recipe', 'vault', '--protocol', 'oauth2'], 'need protocol "json", not "oauth2"'],
      [
        ['--json-recipe', 'vault', '--expiry-kind', 'hours'],
        '--expiry-kind "hours" is not one of: seconds, unix, date.',
      ],
    ] as Array<[string[], string]>) {
      const bad = await s.cli(['login', '--url', target.url, ...flags], github());
      expect([flags, bad.code, bad.stderr]).toEqual([flags, 2, expect.stringContaining(message)]);
    }
    expect((await target.log()).filter((e) => e.path !== '/auth/login')).toEqual([]);
  });
});

describe('the Action with protocol json', () => {
  it('logs in with json-recipe and json-body inputs', async () => {
    const files = makeRunnerDirs();
    const r = await runActionStep(
      'main',
      files,
      { url: target.url, 'json-recipe': 'vault', 'json-body': 'role=deploy' },
      { env: target.githubEnv() },
    );
    expect(r.outputs.outcome).toBe('success');
    expect(r.code).toBe(0);
    expect(r.outputs.token).toMatch(/^hvs\./);
    addCanary(r.outputs.token!);
    expect(r.masked).toContain(r.outputs.token);
    fs.rmSync(files.dir, { recursive: true, force: true });
  });

  it('names the Action input in its errors (exit 2)', async () => {
    const files = makeRunnerDirs();
    const r = await runActionStep(
      'main',
      files,
      { url: target.url, protocol: 'json' },
      { env: target.githubEnv() },
    );
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('`json-login-path` is required with protocol "json"');
    fs.rmSync(files.dir, { recursive: true, force: true });
  });
});

describe('json settings (pure functions)', () => {
  it('parses FIELD=VALUE, FIELD:=JSON, dotted fields and JSON objects', () => {
    expect(
      parseTemplate(['role=deploy', 'ttl:=60', 'meta.team=web', 'renew:=true', 'eq=a=b'], '--body'),
    ).toEqual({
      role: 'deploy',
      ttl: 60,
      meta: { team: 'web' },
      renew: true,
      eq: 'a=b',
    });
    expect(parseTemplate('{"role":"deploy","jwt":"{jwt}"}', 'json-body')).toEqual({
      role: 'deploy',
      jwt: '{jwt}',
    });
    expect(parseTemplate('role=deploy\nmount=jwt\n', 'json-body')).toEqual({ role: 'deploy', mount: 'jwt' });
    expect(() => parseTemplate(['no-equals'], '--body')).toThrow('--body "no-equals" is not FIELD=VALUE');
  });

  it('lets the user override the recipe and keeps the audience they chose', () => {
    const t = prepareJsonTarget(
      { url: 'https://v', audience: 'mine' },
      { recipe: 'pypi', loginPath: '/mint' },
      cliJsonLabel,
    );
    expect(t).toMatchObject({ protocol: 'json', audience: 'mine' });
    expect(t.options!.json).toEqual({
      recipe: 'pypi',
      loginPath: '/mint',
      body: { token: '{jwt}' },
      tokenField: 'token',
      expiryField: 'expires',
      expiryKind: 'unix',
    });
  });
});
