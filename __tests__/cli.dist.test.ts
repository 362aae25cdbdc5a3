/**
 * The bundled CLI (dist/cli) run as a process, as a CI script or a person runs it, against the dev
 * target. Every captured output is checked for canary secrets; issued tokens are read from the store
 * and registered as canaries before any later output is checked.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { addCanary, CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { baseEnv, modeOf, NODE20, NODE24, ROOT, runCli, type ProcResult } from './helpers/dist';

const DEPLOY = path.join(ROOT, 'dev', 'deploy.mjs');

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Exit code and output together, so a failed expectation shows why. */
const outcome = (r: ProcResult) => ({ code: r.code, stderr: r.stderr });

describe('the bundled CLI', () => {
  let target: DevTarget;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const storeFile = () => path.join(home, '.config', 'deploy-login', 'credentials.json');
  const storedToken = () => {
    const token = (
      JSON.parse(fs.readFileSync(storeFile(), 'utf8')) as { targets: Record<string, { token: string }> }
    ).targets.default!.token;
    addCanary(token);
    return token;
  };
  const paths = async () => (await target.log()).map((r) => `${r.method} ${r.path}`);
  const loginPassword = (opts: { node?: string; password?: string; env?: NodeJS.ProcessEnv } = {}) =>
    runCli(['login', '--url', target.url, '--username', 'ci-deployer', '--password-stdin'], {
      env: { ...env, ...opts.env },
      stdin: (opts.password ?? CANARY.password) + '\n',
      node: opts.node,
    });
  const deploy = (flags: string[] = [], node?: string) =>
    runCli(['run', '--', process.execPath, DEPLOY, ...flags], { env, node });

  beforeAll(async () => {
    target = await startDevTarget([], {
      DEV_TARGET_PASSWORD: CANARY.password,
      DEV_TARGET_REQUEST_TOKEN: CANARY.requestToken,
    });
  });
  afterAll(async () => {
    await target?.close();
  });
  beforeEach(async () => {
    await target.resetControl();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cli-'));
    env = baseEnv({ HOME: home });
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  describe.each([
    ['Node 24', NODE24],
    ['Node 20', NODE20],
  ])('on %s', (_name, node) => {
    it('login, status, run (0), run failing (4), run refused (3), logout, then run is refused before it starts (3)', async () => {
      const login = await loginPassword({ node });
      expect(outcome(login)).toEqual({
        code: 0,
        stderr: expect.stringMatching(
          /^Logged in to "default" \(http:\/\/127\.0\.0\.1:\d+\) with password, expires /,
        ),
      });
      storedToken();
      expect(modeOf(storeFile())).toBe(0o600);
      expect(modeOf(path.dirname(storeFile()))).toBe(0o700);

      const status = await runCli(['status', '--json'], { env, node });
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        target: 'default',
        state: 'valid',
        outcome: 'success',
        exitCode: 0,
        url: target.url,
      });

      const ok = await deploy([], node);
      expect({ code: ok.code, stdout: ok.stdout }).toEqual({
        code: 0,
        stdout: 'deploy: deployed demo-app (HTTP 200)\n',
      });

      const failed = await deploy(['--fail'], node);
      expect(failed.code).toBe(4);
      expect(failed.stderr).toContain('deploy: HTTP 500 Internal Server Error: deploy exploded');
      expect(failed.stderr).toMatch(/exited 1: deploy failed\.\n$/);

      const refused = await deploy(['--bad-token'], node);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/exited 1: needs login \(output matched .*\)\.\n$/);

      const json = await runCli(['run', '--json', '--', process.execPath, DEPLOY, '--fail'], { env, node });
      expect(json.code).toBe(4);
      expect(JSON.parse(json.stdout)).toMatchObject({
        target: 'default',
        outcome: 'deploy-failed',
        exitCode: 4,
        commandExitCode: 1,
      });

      expect((await runCli(['logout'], { env, node })).code).toBe(0);
      expect(fs.existsSync(storeFile())).toBe(false);
      expect(fs.existsSync(`${storeFile()}.seal`)).toBe(false);
      const after = await runCli(['status'], { env, node });
      expect(outcome(after)).toEqual({
        code: 3,
        stderr: expect.stringContaining('No stored credential for target "default"'),
      });

      await target.resetControl();
      const notRun = await deploy([], node);
      expect(notRun.code).toBe(3);
      expect(notRun.stdout).toBe('');
      // The deploy command never started: the target saw no deploy.
      expect(await paths()).toEqual([]);
    });

    it('logs in with GitHub OIDC', async () => {
      const r = await runCli(['login', '--url', target.url, '--method', 'oidc', '--json'], {
        env: { ...env, GITHUB_ACTIONS: 'true', ...target.githubEnv() },
        node,
      });
      expect(outcome(r)).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(r.stdout)).toMatchObject({
        outcome: 'success',
        exitCode: 0,
        target: 'default',
        method: 'oidc',
        credentialsFile: storeFile(),
      });
      storedToken();
      const log = await target.log();
      expect(log.filter((x) => x.path === '/oauth/token').map((x) => x.grant)).toEqual([
        'urn:ietf:params:oauth:grant-type:token-exchange',
      ]);
    });
  });

  it('prints the token only where asked (token, env)', async () => {
    expect((await loginPassword()).code).toBe(0);
    const token = storedToken();
    const printed = await runCli(['token'], { env, allowCanaries: true });
    expect(printed).toMatchObject({ code: 0, stdout: `${token}\n`, stderr: '' });
    const exported = await runCli(['env'], { env, allowCanaries: true });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`export DEPLOY_LOGIN_TOKEN='${token}'\n`);
    expect(exported.stdout).toContain(`export DEPLOY_LOGIN_CONFIG='${storeFile()}'\n`);
  });

  describe('exit 2: bad input is refused in one sentence and nothing is sent', () => {
    it.each<[string, string[], NodeJS.ProcessEnv, RegExp]>([
      [
        'a url that is not one',
        ['--url', 'deploy.example.com'],
        {},
        /--url "deploy\.example\.com" is not a URL/,
      ],
      [
        'an unknown method',
        ['--method', 'magic'],
        {},
        /--method "magic" is not one of: auto, oidc, password, token, device[a-z, -]*\.$/m,
      ],
      [
        'a url with credentials',
        ['--url', 'https://ci:hunter2@deploy.example.com'],
        {},
        /--url must not carry credentials/,
      ],
      [
        'a password on argv',
        ['--username', 'u', '--password', 'hunter2'],
        {},
        /Secrets are not accepted on the command line/,
      ],
      [
        'an unknown flag',
        ['--colour'],
        {},
        /^deploy-login login: Unknown option '--colour'; see "deploy-login login --help"\.$/m,
      ],
      [
        'oidc in GitHub Actions without id-token: write',
        ['--method', 'oidc'],
        { GITHUB_ACTIONS: 'true' },
        /`permissions: id-token: write`/,
      ],
    ])('%s', async (_what, args, extraEnv, message) => {
      const hasUrl = args.includes('--url');
      const r = await runCli(['login', ...(hasUrl ? [] : ['--url', target.url]), ...args], {
        env: { ...env, ...extraEnv },
      });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^deploy-login login: [^\n]+\n$/); // one line, no stack
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('hunter2');
      expect(await target.log()).toEqual([]);
      expect(fs.existsSync(storeFile())).toBe(false);
    });

    it('reports --json errors as JSON too', async () => {
      const r = await runCli(['login', '--json', '--url', 'nope'], { env });
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'invalid-input', exitCode: 2 });
    });

    it('names an unreadable store, and leaves it alone', async () => {
      fs.mkdirSync(path.dirname(storeFile()), { recursive: true, mode: 0o700 });
      fs.writeFileSync(storeFile(), '{"version":1,"targets":{"default":{"token":"CANARY-tok-9b1d3f5a7c"', {
        mode: 0o600,
      });
      const r = await runCli(['status'], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`The credential store ${storeFile()} cannot be read (it is not valid JSON)`);
      expect(fs.readFileSync(storeFile(), 'utf8')).toContain('CANARY');
    });

    it('calls a deploy command that does not exist invalid input', async () => {
      expect((await loginPassword()).code).toBe(0);
      storedToken();
      const r = await runCli(['run', '--', 'no-such-deploy-tool'], { env });
      expect(outcome(r)).toEqual({
        code: 2,
        stderr: 'deploy-login run: run: the command "no-such-deploy-tool" was not found on PATH.\n',
      });
    });
  });

  it('exit 3: the target rejects the password', async () => {
    const r = await loginPassword({ password: CANARY.clientSecret });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/rejected the credentials with HTTP 400 \(invalid_grant/);
    expect(fs.existsSync(storeFile())).toBe(false);
  });

  describe('exit 5: unavailable', () => {
    const fast = {
      DEPLOY_LOGIN_MAX_ATTEMPTS: '2',
      DEPLOY_LOGIN_RETRY_BUDGET_SECONDS: '3',
      DEPLOY_LOGIN_RETRY_BASE_MS: '20',
    };

    it('when nothing listens on the port', async () => {
      const port = await closedPort();
      const r = await runCli(
        ['login', '--url', `http://127.0.0.1:${port}`, '--username', 'ci-deployer', '--password-stdin'],
        {
          env: { ...env, ...fast },
          stdin: CANARY.password,
        },
      );
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/kept failing \(connection refused \(ECONNREFUSED\)\) after 2 attempts/);
    });

    it('when the target answers 503 forever', async () => {
      await target.faults([{ kind: 'status', status: 503, times: -1 }]);
      const r = await loginPassword({ env: fast });
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/kept failing \(HTTP 503\) after 2 attempts/);
      expect(await paths()).toEqual([
        'GET /.well-known/oauth-authorization-server',
        'GET /.well-known/oauth-authorization-server',
      ]);
    });
  });

  it('breaks a store lock left by a killed process', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    fs.mkdirSync(path.dirname(storeFile()), { recursive: true, mode: 0o700 });
    fs.writeFileSync(`${storeFile()}.lock`, `${dead}:abc123`);
    const r = await loginPassword();
    expect(r.code).toBe(0);
    storedToken();
    expect(fs.existsSync(`${storeFile()}.lock`)).toBe(false);
  });

  // Method token asks no server: what is wrong with the token is the user's to fix, not "try again
  // later" (exit 5 would make a pipeline retry something that can never work).
  it('a given token that is blank is bad input (2); one whose JWT exp has passed needs login (3); nothing is stored', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const expired = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'ci', exp: Math.floor(Date.now() / 1000) - 3600 })}.c2ln`;
    const login = (token: string) =>
      runCli(['login', '--url', 'https://deploy.example.com', '--method', 'token', '--token-stdin'], {
        env,
        stdin: token,
      });
    const blank = await login('   \n');
    expect(outcome(blank)).toEqual({ code: 2, stderr: expect.stringMatching(/--token-stdin .*is required/) });
    const old = await login(expired + '\n');
    expect(outcome(old)).toEqual({
      code: 3,
      stderr: expect.stringMatching(
        /^deploy-login login: The token given expired at \d{4}-\d\d-\d\dT[\d:.]+Z: pass a fresh token\.$/m,
      ),
    });
    expect(fs.existsSync(storeFile())).toBe(false);
  });

  it('DEPLOY_LOGIN_DEBUG takes only true or false, like every boolean (exit 2 at start)', async () => {
    const r = await runCli(['status'], { env: { ...env, DEPLOY_LOGIN_DEBUG: 'yes' } });
    expect(outcome(r)).toEqual({
      code: 2,
      stderr: 'deploy-login: DEPLOY_LOGIN_DEBUG must be "true" or "false", not "yes".\n',
    });
    expect((await runCli(['status'], { env: { ...env, DEPLOY_LOGIN_DEBUG: 'false' } })).code).toBe(3);
  });

  it('run checks the credential first: none stored is 3 even when the command does not exist', async () => {
    const r = await runCli(['run', '--', 'no-such-deploy-tool-xyz'], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/No stored credential/);
  });

  it('token --json and env --json print data as JSON (they were accepted and ignored)', async () => {
    expect((await loginPassword()).code).toBe(0);
    const stored = storedToken();
    const t = await runCli(['token', '--json'], { env, allowCanaries: true });
    expect(t.code).toBe(0);
    expect(JSON.parse(t.stdout)).toEqual({
      target: 'default',
      token: stored,
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const e = await runCli(['env', '--json'], { env, allowCanaries: true });
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({
      DEPLOY_LOGIN_TOKEN: stored,
      DEPLOY_LOGIN_TARGET: 'default',
      DEPLOY_LOGIN_CONFIG: storeFile(),
    });
  });

  it('an automatic refresh (token, run) authenticates the confidential client, as the login did', async () => {
    const withSecret = { ...env, DEPLOY_LOGIN_CLIENT_SECRET: 'deploy-cli-secret' };
    const login = await runCli(
      [
        'login',
        '--url',
        target.url,
        '--username',
        'ci-deployer',
        '--password-stdin',
        '--client-id',
        'deploy-cli',
      ],
      { env: withSecret, stdin: CANARY.password + '\n' },
    );
    expect(outcome(login)).toMatchObject({ code: 0 });
    const first = storedToken();
    // The token expires: the store says so (the seal no longer matches; the store is read whole).
    const store = JSON.parse(fs.readFileSync(storeFile(), 'utf8'));
    store.targets.default.expiresAt = new Date(Date.now() - 3600_000).toISOString();
    fs.writeFileSync(storeFile(), JSON.stringify(store), { mode: 0o600 });
    // Without the client's secret the target refuses the refresh token (it was issued to that client).
    const anonymous = await runCli(['token'], { env });
    expect(anonymous.code).toBe(3);
    const t = await runCli(['token'], { env: withSecret, allowCanaries: true });
    expect(t.code).toBe(0);
    const fresh = t.stdout.trim();
    addCanary(fresh);
    expect(fresh).not.toBe(first);
    const r = await runCli(['run', '--', process.execPath, '-e', 'process.exit(0)'], { env: withSecret });
    expect(r.code).toBe(0);
  });

  it.each([
    ['invalid_scope', 2],
    ['unauthorized_client', 2],
    ['invalid_grant', 3],
  ])('a 400 %s from the token endpoint exits %i (configuration, not credentials)', async (error, code) => {
    await target.faults([
      {
        path: '/oauth/token',
        kind: 'status',
        status: 400,
        times: -1,
        body: { error, error_description: 'no' },
      },
    ]);
    const r = await loginPassword();
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(error);
  });

  it('--version prints the version package.json declares (one number, not two kept by hand)', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version'], { env });
    expect(outcome(r)).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });
});
