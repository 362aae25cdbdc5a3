/**
 * The bundled Action (dist/main, dist/post) run as processes the way the runner runs them: INPUT_*
 * variables, GITHUB_OUTPUT/STATE/ENV/PATH/STEP_SUMMARY files, a fake HOME, then the post step with
 * the state main saved. The dev target plays the deployment target and GitHub's OIDC service; canary
 * secrets and every issued token must never appear in any output.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { addCanary, CANARY, findCanaries } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import {
  baseEnv,
  makeRunnerDirs,
  modeOf,
  NODE20,
  NODE24,
  ROOT,
  runActionJob,
  runActionStep,
  runProcess,
  type ActionResult,
  type RunnerFiles,
} from './helpers/dist';

const DEPLOY = path.join(ROOT, 'dev', 'deploy.mjs');
const RUNTIMES: Array<[string, string]> = [
  ['Node 24', NODE24],
  ['Node 20', NODE20],
];

/** Read the issued token from the store and register it as a canary before any later check. */
function storedToken(storeFile: string): string {
  const data = JSON.parse(fs.readFileSync(storeFile, 'utf8')) as {
    targets: Record<string, { token: string }>;
  };
  const token = Object.values(data.targets)[0]!.token;
  addCanary(token);
  return token;
}

/** The log as a runner would receive it, before masking: only ::add-mask:: lines may carry a secret. */
function rawLogWithoutMasks(r: ActionResult): string {
  return r.stdout.replace(/^::add-mask::.*$/gm, '') + r.stderr;
}

/**
 * Register the token a step issued as a canary, then check the step's raw log: the runner was told
 * to mask the token, and no canary (inputs, the request token, issued tokens) appears unmasked.
 */
function checkIssued(main: ActionResult): string {
  const token = main.outputs.token!;
  expect(token).toBeTruthy();
  addCanary(token);
  expect(main.masked).toContain(token);
  expect(findCanaries(rawLogWithoutMasks(main))).toEqual([]);
  expect(findCanaries(main.summary)).toEqual([]);
  return token;
}

/** The ::error:: annotations the step printed. */
const errorsOf = (r: ActionResult) => [...r.stdout.matchAll(/^::error::(.*)$/gm)].map((m) => m[1]!);

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('the bundled Action, run like a runner runs it', () => {
  let target: DevTarget;
  const dirs: RunnerFiles[] = [];
  const runner = () => {
    const d = makeRunnerDirs();
    dirs.push(d);
    return d;
  };
  const passwordInputs = (extra: Record<string, string> = {}) => ({
    url: target.url,
    username: 'ci-deployer',
    password: CANARY.password,
    ...extra,
  });
  const deployCmd = (...flags: string[]) =>
    `"${process.execPath}" "${DEPLOY}" --url ${target.url} ${flags.join(' ')}`;
  const requests = async () => (await target.log()).map((r) => `${r.method} ${r.path}`);

  beforeAll(async () => {
    target = await startDevTarget([], {
      DEV_TARGET_PASSWORD: CANARY.password,
      DEV_TARGET_REQUEST_TOKEN: CANARY.requestToken,
    });
  });
  afterAll(async () => {
    await target?.close();
    for (const d of dirs) fs.rmSync(d.dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await target.resetControl();
  });

  describe.each(RUNTIMES)('on %s', (_name, node) => {
    it('logs in with a password: outputs, masked token, store, spin file, CLI on PATH, then the post step undoes it', async () => {
      const files = runner();
      const main = await runActionStep('main', files, passwordInputs({ format: 'spin' }), { node });
      expect({ code: main.code, stderr: main.stderr, errors: errorsOf(main) }).toEqual({
        code: 0,
        stderr: '',
        errors: [],
      });

      const store = path.join(files.runnerTemp, 'deploy-login', 'credentials.json');
      const token = storedToken(store);
      expect(main.outputs).toMatchObject({
        outcome: 'success',
        'exit-code': '0',
        target: 'default',
        'credentials-file': store,
        token,
      });
      expect(main.outputs['expires-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
      // Masked before it could print: the runner hears ::add-mask:: for the token, and nothing else carries it.
      expect(checkIssued(main)).toBe(token);
      expect(main.masked).toContain(CANARY.password);
      expect(main.summary).toContain('success');
      expect(main.summary).not.toContain(token);

      expect(modeOf(store)).toBe(0o600);
      expect(modeOf(path.dirname(store))).toBe(0o700);
      expect(main.exported.DEPLOY_LOGIN_CONFIG).toBe(store);

      const spin = path.join(files.home, '.config', 'fermyon', 'config.json');
      expect(JSON.parse(fs.readFileSync(spin, 'utf8'))).toMatchObject({
        url: `${target.url}/`,
        token,
        danger_accept_invalid_certs: false,
      });
      expect(modeOf(spin)).toBe(0o600);

      // A later step: the shim on GITHUB_PATH runs the CLI with the exported variables.
      expect(main.paths).toHaveLength(1);
      const later = baseEnv({
        ...main.exported,
        HOME: files.home,
        PATH: `${main.paths[0]}:${process.env.PATH}`,
      });
      const status = await runProcess(path.join(main.paths[0]!, 'deploy-login'), ['status', '--json'], {
        env: later,
      });
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        target: 'default',
        state: 'valid',
        outcome: 'success',
      });
      const deploy = await runProcess(
        path.join(main.paths[0]!, 'deploy-login'),
        ['run', '--', process.execPath, DEPLOY, '--url', target.url],
        { env: later },
      );
      expect({ code: deploy.code, out: deploy.stdout }).toEqual({
        code: 0,
        out: 'deploy: deployed demo-app (HTTP 200)\n',
      });

      const post = await runActionStep('post', files, {}, { node, state: main.state });
      expect(post.code).toBe(0);
      expect(post.stdout).toMatch(/logged out of default; undid 1 file change/);
      expect(fs.existsSync(spin)).toBe(false);
      expect(fs.existsSync(store)).toBe(false);
      expect(fs.existsSync(main.paths[0]!)).toBe(false);
    });

    it('logs in with OIDC: GitHub token fetched with the target audience, exchanged (RFC 8693)', async () => {
      const files = runner();
      const { main, post } = await runActionJob(
        files,
        { url: target.url, method: 'oidc' },
        { node, env: target.githubEnv() },
      );
      expect({ code: main.code, errors: errorsOf(main) }).toEqual({ code: 0, errors: [] });
      expect(main.outputs).toMatchObject({ outcome: 'success', 'exit-code': '0' });
      checkIssued(main);
      const log = await target.log();
      // GitHub's token first (so a job without `id-token: write` sends nothing), then discovery and the exchange.
      expect(log.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /_apis/idtoken',
        'GET /.well-known/oauth-authorization-server',
        'POST /oauth/token',
      ]);
      expect(log[0]!.authorization).toBe(true);
      expect(log[2]!.grant).toBe('urn:ietf:params:oauth:grant-type:token-exchange');
      expect(post.code).toBe(0);
      expect(fs.existsSync(main.outputs['credentials-file']!)).toBe(false);
    });
  });

  describe('exit 2: bad input is refused in one sentence and nothing is sent', () => {
    it.each<[string, Record<string, string>, NodeJS.ProcessEnv, RegExp]>([
      [
        'a url that is not one',
        { url: 'deploy.example.com', method: 'oidc' },
        {},
        /^`url` "deploy\.example\.com" is not a URL: give an absolute URL such as https:\/\/deploy\.example\.com\.$/,
      ],
      [
        'an unknown method',
        { method: 'magic' },
        {},
        /^`method` "magic" is not one of: auto, oidc, password, token, device[a-z, -]*\.$/,
      ],
      [
        'a url with credentials',
        { url: 'https://ci:hunter2@deploy.example.com' },
        {},
        /^`url` must not carry credentials/,
      ],
      [
        'a boolean that is not true/false',
        { insecure: 'yes' },
        {},
        /^`insecure` must be "true" or "false", not "yes"\.$/,
      ],
      [
        'oidc without id-token: write',
        { method: 'oidc' },
        { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' },
        /`permissions: id-token: write`/,
      ],
    ])('%s', async (_what, inputs, env, message) => {
      const files = runner();
      const { main, post } = await runActionJob(files, { url: target.url, ...inputs }, { env });
      expect(main.code).toBe(2);
      expect(main.outputs).toMatchObject({ outcome: 'invalid-input', 'exit-code': '2' });
      const errors = errorsOf(main);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
      expect(main.stdout).not.toMatch(/\n\s+at /); // no stack trace
      expect(await target.log()).toEqual([]);
      expect(post.code).toBe(0);
      expect(fs.readdirSync(files.runnerTemp)).toEqual([]);
    });
  });

  describe('exit 3: needs login', () => {
    it('when the target rejects the password (invalid_grant), leaving nothing behind', async () => {
      const files = runner();
      const main = await runActionStep(
        'main',
        files,
        passwordInputs({ password: CANARY.clientSecret, format: 'spin' }),
      );
      expect(main.code).toBe(3);
      expect(main.outputs).toMatchObject({ outcome: 'needs-login', 'exit-code': '3' });
      expect(errorsOf(main)[0]).toMatch(/rejected the credentials with HTTP 400 \(invalid_grant/);
      expect(main.outputs.token).toBeUndefined();
      expect(fs.existsSync(path.join(files.home, '.config', 'fermyon', 'config.json'))).toBe(false);
      expect(fs.existsSync(path.join(files.runnerTemp, 'deploy-login', 'credentials.json'))).toBe(false);
    });

    it('still puts the CLI on PATH: a later `deploy-login run` hears "needs login" (3) and runs nothing; post removes it', async () => {
      const files = runner();
      const main = await runActionStep('main', files, passwordInputs({ password: CANARY.clientSecret }));
      expect(main.code).toBe(3);
      const store = path.join(files.runnerTemp, 'deploy-login', 'credentials.json');
      expect(main.exported.DEPLOY_LOGIN_CONFIG).toBe(store);
      expect(main.paths).toHaveLength(1);
      const marker = path.join(files.dir, 'deployed');
      const later = await runProcess(
        path.join(main.paths[0]!, 'deploy-login'),
        ['run', '--', process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`],
        {
          env: baseEnv({ ...main.exported, HOME: files.home, PATH: `${main.paths[0]}:${process.env.PATH}` }),
        },
      );
      expect(later.code).toBe(3);
      expect(fs.existsSync(marker)).toBe(false);
      const post = await runActionStep('post', files, {}, { state: main.state });
      expect(post.code).toBe(0);
      expect(fs.existsSync(main.paths[0]!)).toBe(false);
    });

    it('when the run command fails with a 401 in its output', async () => {
      const files = runner();
      const { main, post } = await runActionJob(files, passwordInputs({ run: deployCmd('--bad-token') }));
      checkIssued(main);
      expect(main.code).toBe(3);
      expect(main.outputs).toMatchObject({
        outcome: 'needs-login',
        'exit-code': '3',
        'command-exit-code': '1',
      });
      expect(main.stderr).toContain('deploy: HTTP 401 Unauthorized: invalid_token');
      expect(errorsOf(main)[0]).toMatch(
        /^The deploy command was refused for authentication \(output matched .*\): needs login\.$/,
      );
      expect(post.code).toBe(0);
    });
  });

  it('exit 0 with run: the deploy gets the token and succeeds', async () => {
    const files = runner();
    const { main } = await runActionJob(files, passwordInputs({ run: deployCmd() }));
    checkIssued(main);
    expect(main.code).toBe(0);
    expect(main.outputs).toMatchObject({ outcome: 'success', 'exit-code': '0', 'command-exit-code': '0' });
    expect(main.stdout).toContain('deploy: deployed demo-app (HTTP 200)');
    // The token is masked before the deploy command (which holds it) can print anything.
    expect(main.stdout.indexOf(`::add-mask::${main.outputs.token}`)).toBeGreaterThanOrEqual(0);
    expect(main.stdout.indexOf(`::add-mask::${main.outputs.token}`)).toBeLessThan(
      main.stdout.indexOf('deploy: deployed'),
    );
    const deploys = (await target.log()).filter((r) => r.path === '/api/deploy');
    expect(deploys).toMatchObject([{ method: 'POST', authorization: true, status: 200 }]);
  });

  it('exit 4: the run command fails for another reason', async () => {
    const files = runner();
    const { main, post } = await runActionJob(files, passwordInputs({ run: deployCmd('--fail') }));
    checkIssued(main);
    expect(main.code).toBe(4);
    expect(main.outputs).toMatchObject({
      outcome: 'deploy-failed',
      'exit-code': '4',
      'command-exit-code': '1',
    });
    expect(main.stderr).toContain('deploy: HTTP 500 Internal Server Error: deploy exploded');
    expect(errorsOf(main)[0]).toBe('The deploy command failed (exit 1): deploy failed.');
    expect(post.code).toBe(0);
    expect(fs.existsSync(main.outputs['credentials-file']!)).toBe(false);
  });

  it('exit 2: a run command that does not exist, found out before the login (nothing sent)', async () => {
    const files = runner();
    const { main, post } = await runActionJob(files, passwordInputs({ run: 'no-such-deploy-tool --now' }));
    expect(main.code).toBe(2);
    expect(main.outputs).toMatchObject({ outcome: 'invalid-input', 'exit-code': '2' });
    expect(main.outputs.token).toBeUndefined();
    expect(errorsOf(main)).toEqual(['run: the command "no-such-deploy-tool" was not found on PATH.']);
    expect(await requests()).toEqual([]);
    expect(post.code).toBe(0);
    expect(fs.existsSync(path.join(files.runnerTemp, 'deploy-login', 'credentials.json'))).toBe(false);
  });

  describe('exit 5: unavailable', () => {
    const fast = {
      DEPLOY_LOGIN_MAX_ATTEMPTS: '2',
      DEPLOY_LOGIN_RETRY_BUDGET_SECONDS: '3',
      DEPLOY_LOGIN_RETRY_BASE_MS: '20',
    };

    it('when the target does not answer at all (a closed port)', async () => {
      const files = runner();
      const port = await closedPort();
      const main = await runActionStep('main', files, passwordInputs({ url: `http://127.0.0.1:${port}` }), {
        env: fast,
      });
      expect(main.code).toBe(5);
      expect(main.outputs).toMatchObject({ outcome: 'unavailable', 'exit-code': '5' });
      expect(errorsOf(main)[0]).toMatch(
        /kept failing \(connection refused \(ECONNREFUSED\)\) after 2 attempts .*; try again later\.$/,
      );
    });

    it('when the target answers 503 forever, after the attempt budget', async () => {
      await target.faults([{ kind: 'status', status: 503, times: -1 }]);
      const files = runner();
      const main = await runActionStep('main', files, passwordInputs(), { env: fast });
      expect(main.code).toBe(5);
      expect(main.outputs).toMatchObject({ outcome: 'unavailable', 'exit-code': '5' });
      expect(await requests()).toEqual([
        'GET /.well-known/oauth-authorization-server',
        'GET /.well-known/oauth-authorization-server',
      ]);
    });
  });

  describe('the post step', () => {
    it('restores a pre-existing Spin config byte for byte', async () => {
      const files = runner();
      const xdg = path.join(files.home, 'xdg');
      const spin = path.join(xdg, 'fermyon', 'config.json');
      const original = '{\n  "url": "https://cloud.fermyon.com/",\n  "token": "someone-elses"\n}\n\n';
      fs.mkdirSync(path.dirname(spin), { recursive: true });
      fs.writeFileSync(spin, original, { mode: 0o640 });
      const main = await runActionStep('main', files, passwordInputs({ format: 'spin' }), {
        env: { XDG_CONFIG_HOME: xdg },
      });
      expect(main.code).toBe(0);
      const token = storedToken(main.outputs['credentials-file']!);
      expect(checkIssued(main)).toBe(token);
      expect(JSON.parse(fs.readFileSync(spin, 'utf8')).token).toBe(token);
      const post = await runActionStep(
        'post',
        files,
        {},
        { state: main.state, env: { XDG_CONFIG_HOME: xdg } },
      );
      expect(post.code).toBe(0);
      expect(fs.readFileSync(spin, 'utf8')).toBe(original);
    });

    it('leaves everything in place with cleanup: false', async () => {
      const files = runner();
      const inputs = passwordInputs({ format: 'spin', cleanup: 'false' });
      const { main, post } = await runActionJob(files, inputs);
      expect(storedToken(main.outputs['credentials-file']!)).toBe(checkIssued(main));
      expect(post.code).toBe(0);
      expect(post.stdout).toContain('cleanup is false');
      expect(fs.existsSync(main.outputs['credentials-file']!)).toBe(true);
      expect(fs.existsSync(path.join(files.home, '.config', 'fermyon', 'config.json'))).toBe(true);
    });

    it('two steps of one job logging in to the same target: once both post steps ran, nothing stays', async () => {
      const files = runner();
      const first = await runActionStep('main', files, passwordInputs({ format: 'spin' }));
      const second = await runActionStep('main', files, passwordInputs({ format: 'spin' }));
      checkIssued(first);
      checkIssued(second);
      const store = path.join(files.runnerTemp, 'deploy-login', 'credentials.json');
      const spin = path.join(files.home, '.config', 'fermyon', 'config.json');
      // Post steps run in reverse order.
      for (const step of [second, first]) {
        expect((await runActionStep('post', files, {}, { state: step.state })).code).toBe(0);
      }
      expect(fs.existsSync(store)).toBe(false);
      expect(fs.existsSync(spin)).toBe(false);
      expect(fs.existsSync(path.join(files.home, '.config'))).toBe(false);
    });

    it("removes the job's own store directory once empty, never one chosen with DEPLOY_LOGIN_CONFIG", async () => {
      const files = runner();
      const { main, post } = await runActionJob(files, passwordInputs());
      const store = main.outputs['credentials-file']!;
      expect(post.code).toBe(0);
      expect(fs.existsSync(store)).toBe(false);
      expect(fs.existsSync(path.dirname(store))).toBe(false);
      expect(path.dirname(path.dirname(store))).toBe(files.runnerTemp);
      expect(fs.existsSync(files.runnerTemp)).toBe(true);

      const mine = path.join(files.home, 'mine');
      fs.mkdirSync(mine, { mode: 0o700 });
      const chosen = path.join(mine, 'credentials.json');
      const again = await runActionJob(runner(), passwordInputs(), { env: { DEPLOY_LOGIN_CONFIG: chosen } });
      expect(again.main.outputs['credentials-file']).toBe(chosen);
      expect(again.post.code).toBe(0);
      expect(fs.existsSync(chosen)).toBe(false);
      expect(fs.existsSync(mine)).toBe(true);
    });

    const STRACE = ['/usr/bin/strace', '/bin/strace'].find((p) => fs.existsSync(p));
    (STRACE ? it : it.skip)(
      'waits for the disk (fsync) only for what a crash could not give back: tool files, and a store holding their undo',
      async () => {
        // The runner's node under strace: every fsync the step makes, by any thread.
        const fsyncsOf = async (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) => {
          const files = runner();
          const traced = path.join(files.dir, 'node-traced');
          const log = path.join(files.dir, 'fsyncs');
          fs.writeFileSync(
            traced,
            `#!/bin/sh\nexec "${STRACE}" -f -qq -e trace=fsync,fdatasync -o "${log}" "${NODE24}" "$@"\n`,
            { mode: 0o755 },
          );
          const step = await runActionStep('main', files, passwordInputs(inputs), { node: traced, env });
          expect(step.code).toBe(0);
          return fs
            .readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => /f(data)?sync\(/.test(l)).length;
        };
        const kept = {
          DEPLOY_LOGIN_CONFIG: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-kept-')), 's.json'),
        };
        // The job's own store under RUNNER_TEMP: the runner deletes it after the job.
        expect(await fsyncsOf({})).toBe(0);
        // A store of tokens alone: a crash loses only what a login gets again.
        expect(await fsyncsOf({}, kept)).toBe(0);
        // The Spin file is the user's: it waits; so does a kept store that now holds its undo.
        expect(await fsyncsOf({ format: 'spin' })).toBe(1);
        expect(await fsyncsOf({ format: 'spin' }, kept)).toBe(2);
        fs.rmSync(path.dirname(kept.DEPLOY_LOGIN_CONFIG), { recursive: true, force: true });
      },
    );

    it('does nothing, and succeeds, when main saved no state', async () => {
      const files = runner();
      const post = await runActionStep('post', files, {});
      expect(post.code).toBe(0);
      expect(post.stdout + post.stderr).toBe('');
    });
  });
});
