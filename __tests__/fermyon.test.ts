/**
 * protocol fermyon (Spin's targets) end to end, against the dev target: Hippo username/password on
 * both endpoints, personal access tokens, Spin's environment variables as fallbacks, the `spin`
 * credential file for default and named targets, and refresh through /api/auth-tokens/refresh.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CANARY, addCanary } from './helpers/canary';
import { baseEnv, makeRunnerDirs, modeOf, runActionStep, runCli } from './helpers/dist';
import { startDevTarget, type DevTarget } from './helpers/devTarget';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

let target: DevTarget;
let home: string;
beforeAll(async () => {
  target = await startDevTarget([], { DEV_TARGET_PASSWORD: CANARY.password });
});
afterAll(async () => {
  await target?.close();
});
beforeEach(async () => {
  await target.resetControl();
  await target.config({ tokenTtl: 3600, deviceInterval: 1, deviceExpiresIn: 900 });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-fermyon-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const env = (extra: NodeJS.ProcessEnv = {}) =>
  baseEnv({ HOME: home, XDG_CONFIG_HOME: path.join(home, 'cfg'), ...extra });
const storeFile = () => path.join(home, 'cfg', 'deploy-login', 'credentials.json');
const store = () => JSON.parse(fs.readFileSync(storeFile(), 'utf8'));
const spinFile = (name: string) => path.join(home, 'cfg', 'fermyon', name);
const readSpin = (name: string) => JSON.parse(fs.readFileSync(spinFile(name), 'utf8'));
const paths = async () => (await target.log()).map((r) => `${r.method} ${r.path} ${r.status}`);
const hippoLogin = (extra: string[] = [], opts: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) =>
  runCli(
    [
      'login',
      '--protocol',
      'fermyon',
      '--url',
      target.url,
      '--username',
      'ci-deployer',
      '--password-stdin',
      ...extra,
    ],
    {
      env: env(opts.env),
      stdin: opts.stdin ?? CANARY.password,
    },
  );

describe('Hippo username/password', () => {
  test('POST /api/auth-tokens {userName,password} -> {token,expiration}, stored with its expiry', async () => {
    const r = await hippoLogin(['--json']);
    expect(r.code).toBe(0);
    expect(await paths()).toEqual(['POST /api/auth-tokens 200']);
    const entry = store().targets.default;
    addCanary(entry.token);
    expect(entry).toMatchObject({
      protocol: 'fermyon',
      method: 'password',
      username: 'ci-deployer',
      url: target.url,
    });
    const claims = JSON.parse(Buffer.from(entry.token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ kind: 'hippo', sub: 'ci-deployer' });
    // The expiry is the server's `expiration`, not a guess.
    expect(Date.parse(entry.expiresAt)).toBe(claims.exp * 1000);
    expect(entry.refreshToken).toBeUndefined();
    expect(JSON.parse(r.stdout)).toMatchObject({
      outcome: 'success',
      method: 'password',
      expiresAt: entry.expiresAt,
    });
    expect(JSON.stringify(store())).not.toContain(CANARY.password);
  });

  test('an older Hippo (404 on /api/auth-tokens) is logged in through /api/account/createtoken', async () => {
    const legacy = await startDevTarget(['--legacy-hippo'], { DEV_TARGET_PASSWORD: CANARY.password });
    try {
      const r = await runCli(
        [
          'login',
          '--protocol',
          'fermyon',
          '--url',
          legacy.url,
          '--username',
          'ci-deployer',
          '--password-stdin',
        ],
        { env: env(), stdin: CANARY.password },
      );
      expect(r.code).toBe(0);
      expect((await legacy.log()).map((l) => `${l.path} ${l.status}`)).toEqual([
        '/api/auth-tokens 404',
        '/api/account/createtoken 200',
      ]);
      const entry = store().targets.default;
      addCanary(entry.token);
      expect(entry).toMatchObject({
        method: 'password',
        url: legacy.url,
        expiresAt: expect.stringMatching(RFC3339),
      });
    } finally {
      await legacy.close();
    }
  });

  test("a wrong password is needs-login (exit 3) with Hippo's own reason, and nothing is stored", async () => {
    const r = await hippoLogin([], { stdin: 'wrong-password' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /rejected the credentials with HTTP 401 \(The user name or password is incorrect\.\)/,
    );
    expect(fs.existsSync(storeFile())).toBe(false);
  });
});

describe('personal access tokens', () => {
  test('--token-stdin: stored as is, nothing sent', async () => {
    const r = await runCli(
      ['login', '--protocol', 'fermyon', '--url', target.url, '--token-stdin', '--format', 'spin'],
      {
        env: env(),
        stdin: CANARY.token,
      },
    );
    expect(r.code).toBe(0);
    expect(store().targets.default).toMatchObject({ method: 'token', token: CANARY.token, url: target.url });
    expect(await target.log()).toEqual([]);
    // A PAT has no known expiry: no `expiration` key, as `spin cloud login --token` writes it.
    expect(readSpin('config.json')).toEqual({
      url: `${target.url}/`,
      danger_accept_invalid_certs: false,
      token: CANARY.token,
    });
  });
});

describe("Spin's environment variables (protocol fermyon only)", () => {
  test('HIPPO_URL, HIPPO_USERNAME, HIPPO_PASSWORD log in with no other input', async () => {
    const r = await runCli(['login', '--protocol', 'fermyon'], {
      env: env({ HIPPO_URL: target.url, HIPPO_USERNAME: 'ci-deployer', HIPPO_PASSWORD: CANARY.password }),
    });
    expect(r.code).toBe(0);
    expect(store().targets.default).toMatchObject({
      url: target.url,
      method: 'password',
      username: 'ci-deployer',
    });
    expect(await paths()).toEqual(['POST /api/auth-tokens 200']);
  });

  test('DEPLOY_LOGIN_* win over HIPPO_*', async () => {
    const r = await runCli(['login', '--protocol', 'fermyon'], {
      env: env({
        HIPPO_URL: 'http://127.0.0.1:9',
        HIPPO_USERNAME: 'someone-else',
        HIPPO_PASSWORD: 'not-this-one',
        DEPLOY_LOGIN_URL: target.url,
        DEPLOY_LOGIN_USERNAME: 'ci-deployer',
        DEPLOY_LOGIN_PASSWORD: CANARY.password,
      }),
    });
    expect(r.code).toBe(0);
    expect(store().targets.default).toMatchObject({ url: target.url, username: 'ci-deployer' });
  });

  test('SPIN_AUTH_TOKEN and CLOUD_URL: a token login to that URL; DEPLOY_LOGIN_TOKEN wins over SPIN_AUTH_TOKEN', async () => {
    const r = await runCli(['login', '--protocol', 'fermyon'], {
      env: env({ SPIN_AUTH_TOKEN: CANARY.token, CLOUD_URL: target.url }),
    });
    expect(r.code).toBe(0);
    expect(store().targets.default).toMatchObject({ url: target.url, method: 'token', token: CANARY.token });

    const both = await runCli(['login', '--protocol', 'fermyon', '--target', 'b'], {
      env: env({
        SPIN_AUTH_TOKEN: CANARY.token,
        DEPLOY_LOGIN_TOKEN: CANARY.clientSecret,
        CLOUD_URL: target.url,
      }),
    });
    expect(both.code).toBe(0);
    expect(store().targets.b.token).toBe(CANARY.clientSecret);
  });

  test('no URL anywhere: Fermyon Cloud, https://cloud.fermyon.com', async () => {
    const r = await runCli(['login', '--protocol', 'fermyon', '--format', 'spin', '--json'], {
      env: env({ SPIN_AUTH_TOKEN: CANARY.token }),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).url).toBe('https://cloud.fermyon.com');
    expect(readSpin('config.json').url).toBe('https://cloud.fermyon.com/');
  });

  test('nothing to log in with: exit 2, one sentence naming the inputs and variables', async () => {
    const r = await runCli(['login', '--protocol', 'fermyon', '--url', target.url], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'deploy-login login: protocol "fermyon" needs a way to log in: give --token-stdin (or DEPLOY_LOGIN_TOKEN) or SPIN_AUTH_TOKEN (a personal access token), --username and --password-stdin (or DEPLOY_LOGIN_PASSWORD) or HIPPO_USERNAME and HIPPO_PASSWORD (Hippo), or --method device.',
    );
    expect(await target.log()).toEqual([]);
  });

  test('other protocols ignore them', async () => {
    const r = await runCli(['login', '--url', target.url, '--method', 'token'], {
      env: env({ SPIN_AUTH_TOKEN: CANARY.token }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--token-stdin \(or DEPLOY_LOGIN_TOKEN\) is required with method "token"/);
  });
});

describe('the spin credential file', () => {
  test("named targets go to <target>.json, the default to config.json, in Spin's exact shape", async () => {
    expect((await hippoLogin(['--format', 'spin'])).code).toBe(0);
    expect((await hippoLogin(['--format', 'spin', '--target', 'staging', '--insecure'])).code).toBe(0);
    const { targets } = store();
    for (const t of Object.values(targets) as Array<{ token: string }>) addCanary(t.token);

    const def = readSpin('config.json');
    const staging = readSpin('staging.json');
    // Flat keys in LoginConnection's order; url ends with '/'; no bindle_* for a target without Bindle.
    expect(Object.keys(staging)).toEqual(['url', 'danger_accept_invalid_certs', 'token', 'expiration']);
    expect(staging).toEqual({
      url: `${target.url}/`,
      danger_accept_invalid_certs: true,
      token: targets.staging.token,
      expiration: targets.staging.expiresAt,
    });
    expect(staging.expiration).toMatch(RFC3339);
    expect(def).toMatchObject({ danger_accept_invalid_certs: false, token: targets.default.token });
    expect(modeOf(spinFile('staging.json'))).toBe(0o600);
    expect(modeOf(path.dirname(spinFile('staging.json')))).toBe(0o700);

    // Spin picks a named file only when told its name: `env` and `run` hand it FERMYON_DEPLOYMENT_ENVIRONMENT.
    const e = await runCli(['env', '--target', 'staging'], { env: env(), allowCanaries: true });
    expect(e.stdout).toContain(`export FERMYON_DEPLOYMENT_ENVIRONMENT='staging'\n`);
    const d = await runCli(['env', '--target', 'default'], { env: env(), allowCanaries: true });
    expect(d.stdout).not.toContain('FERMYON_DEPLOYMENT_ENVIRONMENT');

    expect((await runCli(['logout', '--target', 'staging'], { env: env() })).code).toBe(0);
    expect(fs.existsSync(spinFile('staging.json'))).toBe(false);
    expect(readSpin('config.json')).toEqual(def);
  });

  test('a Hippo login with BINDLE_URL writes bindle_url where Spin 1.x expects it; a token login never does', async () => {
    const bindle = 'https://bindle.example.com/v1';
    expect((await hippoLogin(['--format', 'spin'], { env: { BINDLE_URL: bindle } })).code).toBe(0);
    addCanary(store().targets.default.token);
    const file = readSpin('config.json');
    expect(Object.keys(file)).toEqual([
      'url',
      'bindle_url',
      'danger_accept_invalid_certs',
      'token',
      'expiration',
    ]);
    expect(file.bindle_url).toBe(bindle);

    const pat = await runCli(
      ['login', '--protocol', 'fermyon', '--url', target.url, '--format', 'spin', '--target', 'pat'],
      {
        env: env({ BINDLE_URL: bindle, SPIN_AUTH_TOKEN: CANARY.token }),
      },
    );
    expect(pat.code).toBe(0);
    expect(Object.keys(readSpin('pat.json'))).toEqual(['url', 'danger_accept_invalid_certs', 'token']);
  });
});

describe('refresh (device logins carry a refresh token)', () => {
  /** A device login through the two non-interactive steps, with short-lived tokens. */
  async function deviceLogin(name: string): Promise<{ token: string; refreshToken: string }> {
    await target.config({ tokenTtl: 2 });
    const flags = [
      'login',
      '--protocol',
      'fermyon',
      '--url',
      target.url,
      '--target',
      name,
      '--format',
      'spin',
    ];
    const got = await runCli([...flags, '--get-device-code'], { env: env() });
    const code = JSON.parse(got.stdout);
    await target.device(code.userCode, 'approve');
    const done = await runCli([...flags, '--check-device-code', code.deviceCode], { env: env() });
    expect({ out: JSON.parse(done.stdout), err: done.stderr }).toMatchObject({
      out: { status: 'authorized' },
    });
    await target.config({ tokenTtl: 3600 });
    const entry = store().targets[name];
    addCanary(entry.token);
    addCanary(entry.refreshToken);
    // Wait until it has expired (the server's expiration has whole seconds).
    const waitMs = Date.parse(entry.expiresAt) - Date.now() + 50;
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    return entry;
  }

  test('`token` on an expired credential refreshes it through /api/auth-tokens/refresh and rewrites the spin file', async () => {
    const before = await deviceLogin('dev');
    expect((await runCli(['status', '--target', 'dev'], { env: env() })).code).toBe(3);
    const r = await runCli(['token', '--target', 'dev'], { env: env(), allowCanaries: true });
    expect(r.code).toBe(0);
    const after = store().targets.dev;
    addCanary(after.token);
    expect(r.stdout).toBe(after.token + '\n');
    expect(after.token).not.toBe(before.token);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(Date.parse(after.expiresAt) - Date.now()).toBeGreaterThan(3000 * 1000);
    expect((await paths()).filter((p) => p.includes('/refresh'))).toEqual([
      'POST /api/auth-tokens/refresh 200',
    ]);
    expect(readSpin('dev.json')).toEqual({
      url: `${target.url}/`,
      danger_accept_invalid_certs: false,
      token: after.token,
      refresh_token: after.refreshToken,
      expiration: after.expiresAt,
    });
    expect((await runCli(['status', '--target', 'dev'], { env: env() })).code).toBe(0);
  });

  test('`run` refreshes first, and the deploy command gets a token the target accepts', async () => {
    await deviceLogin('dev');
    const probe = `fetch(process.argv[1] + '/api/whoami', { headers: { authorization: 'Bearer ' + process.env.DEPLOY_LOGIN_TOKEN } })
      .then((r) => { console.log('whoami ' + r.status + ' ' + process.env.FERMYON_DEPLOYMENT_ENVIRONMENT); process.exit(r.ok ? 0 : 1); })`;
    const r = await runCli(['run', '--target', 'dev', '--', process.execPath, '-e', probe, target.url], {
      env: env(),
    });
    expect(r.stdout).toContain('whoami 200 dev');
    expect(r.code).toBe(0);
    expect((await paths()).filter((p) => p.includes('/refresh'))).toEqual([
      'POST /api/auth-tokens/refresh 200',
    ]);
  });

  test('a refused refresh token is needs-login (exit 3)', async () => {
    await deviceLogin('dev');
    await target.revokeAll();
    const r = await runCli(['token', '--target', 'dev'], { env: env() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/The refresh token for target "dev" was refused \(HTTP 401.*\): log in again\./);
  });
});

describe('the Action', () => {
  test("reads HIPPO_* from the step's env when protocol is fermyon, and masks the password", async () => {
    const files = makeRunnerDirs();
    try {
      const r = await runActionStep(
        'main',
        files,
        { protocol: 'fermyon', format: 'spin' },
        {
          env: { HIPPO_URL: target.url, HIPPO_USERNAME: 'ci-deployer', HIPPO_PASSWORD: CANARY.password },
        },
      );
      expect(r.code).toBe(0);
      expect(r.outputs).toMatchObject({
        outcome: 'success',
        target: 'default',
        'expires-at': expect.stringMatching(RFC3339),
      });
      expect(r.masked).toContain(CANARY.password);
      expect(r.masked).toContain(r.outputs.token);
      const spin = path.join(files.home, '.config', 'fermyon', 'config.json');
      expect(JSON.parse(fs.readFileSync(spin, 'utf8'))).toMatchObject({
        url: `${target.url}/`,
        token: r.outputs.token,
      });
    } finally {
      fs.rmSync(files.dir, { recursive: true, force: true });
    }
  });

  test('SPIN_AUTH_TOKEN fills an empty `token` input, but the input wins when given', async () => {
    const files = makeRunnerDirs();
    try {
      const fromEnv = await runActionStep(
        'main',
        files,
        { protocol: 'fermyon', url: target.url },
        {
          env: { SPIN_AUTH_TOKEN: CANARY.token },
        },
      );
      expect(fromEnv.outputs).toMatchObject({ outcome: 'success', token: CANARY.token });
      expect(fromEnv.masked).toContain(CANARY.token);
      const fromInput = await runActionStep(
        'main',
        files,
        { protocol: 'fermyon', url: target.url, token: CANARY.clientSecret },
        {
          env: { SPIN_AUTH_TOKEN: CANARY.token },
        },
      );
      expect(fromInput.outputs).toMatchObject({ outcome: 'success', token: CANARY.clientSecret });
    } finally {
      fs.rmSync(files.dir, { recursive: true, force: true });
    }
  });
});
