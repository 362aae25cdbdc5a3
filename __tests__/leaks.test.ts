/**
 * Secrets (issue 6.4): canary secrets must never show up in output, error messages, the job
 * summary, a child process's argv (read from /proc while it runs), or a file that is not 0600;
 * credentials are never sent over plain http:// to another host unless allowed, and never follow a
 * redirect to another origin. Every CLI and Action run here also goes through the suite-wide
 * canary check of helpers/dist.ts.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { addCanary, assertNoCanaries, CANARY, findCanaries } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import {
  baseEnv,
  CLI,
  DIST,
  inputVar,
  makeRunnerDirs,
  NODE24,
  runActionJob,
  runActionStep,
  runCli,
  runnerEnv,
  type RunnerFiles,
} from './helpers/dist';
import { watchTree, type SeenProcess } from './helpers/proctree';

let target: DevTarget;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-leaks-'));
let n = 0;
/** A fresh HOME and store for one test. */
function home(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = path.join(root, `h${n++}`);
  fs.mkdirSync(dir, { recursive: true });
  return {
    dir,
    env: baseEnv({
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, '.config'),
      DEPLOY_LOGIN_CONFIG: path.join(dir, 'store', 'credentials.json'),
    }),
  };
}

/** Runner directories made here, removed after the file. */
const made: RunnerFiles[] = [];
const runnerDirs = (): RunnerFiles => {
  const f = makeRunnerDirs();
  made.push(f);
  return f;
};

beforeAll(async () => {
  target = await startDevTarget([], {
    DEV_TARGET_PASSWORD: CANARY.password,
    DEV_TARGET_REQUEST_TOKEN: CANARY.requestToken,
  });
});
afterEach(async () => {
  await target.resetControl();
});
afterAll(async () => {
  await target?.close();
  fs.rmSync(root, { recursive: true, force: true });
  for (const f of made) fs.rmSync(f.dir, { recursive: true, force: true });
});

const storedToken = (storeFile: string, name = 'default'): string => {
  const t = (JSON.parse(fs.readFileSync(storeFile, 'utf8')) as { targets: Record<string, { token: string }> })
    .targets[name]!.token;
  addCanary(t);
  return t;
};

/** Run a process to its end while watching its process tree; returns what ran and the output. */
function runWatched(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; err: string; seen: SeenProcess[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const watch = watchTree(child.pid!);
    let out = '';
    let err = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err, seen: watch.stop() }));
  });
}

function noSecretOnArgv(seen: SeenProcess[]): void {
  for (const p of seen) {
    const found = findCanaries(p.argv.join(' '));
    if (found.length)
      throw new Error(`secret on the argv of pid ${p.pid}: ${p.argv[0]} ... (${found.length} canaries)`);
  }
}

/** A deploy command that lives long enough to be seen, and says whether it got the token. */
const DEPLOY_SCRIPT =
  'setTimeout(() => console.log(process.env.DEPLOY_LOGIN_TOKEN ? "deploy: has a token" : "deploy: no token"), 700)';

describe('no secret on the argv of any process deploy-login starts (read from /proc while they run)', () => {
  test('CLI `run`: the deploy command gets the token in its environment, never on its command line', async () => {
    const h = home();
    const env = { ...h.env, DEPLOY_LOGIN_TOKEN: CANARY.token };
    expect((await runCli(['login', '--method', 'token', '--url', target.url], { env })).code).toBe(0);
    const r = await runWatched(
      process.execPath,
      [CLI, 'run', '--', process.execPath, '-e', DEPLOY_SCRIPT],
      h.env,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('deploy: has a token');
    // The deploy command was seen while it ran: the check below cannot pass by looking too late.
    expect(r.seen.some((p) => p.argv.includes(DEPLOY_SCRIPT))).toBe(true);
    noSecretOnArgv(r.seen);
    assertNoCanaries('run output', r.out + r.err);
  });

  test('Action `run` input: the same for the step and its deploy command', async () => {
    const files = runnerDirs();
    const env = runnerEnv(files, {
      [inputVar('url')]: target.url,
      [inputVar('method')]: 'password',
      [inputVar('username')]: 'ci-deployer',
      [inputVar('password')]: CANARY.password,
      [inputVar('format')]: 'spin,env',
      [inputVar('run')]: `${process.execPath} -e '${DEPLOY_SCRIPT}'`,
    });
    const r = await runWatched(NODE24, [path.join(DIST, 'main', 'index.js')], env);
    const masked = [...r.out.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1]!);
    for (const m of masked) addCanary(m);
    expect(r.code).toBe(0);
    expect(r.out).toContain('deploy: has a token');
    expect(r.seen.some((p) => p.argv.includes(DEPLOY_SCRIPT))).toBe(true);
    noSecretOnArgv(r.seen);
    let log = r.out.replace(/^::add-mask::.*$/gm, '') + r.err;
    for (const m of masked) log = log.split(m).join('***');
    assertNoCanaries('action log', log);
    assertNoCanaries('job summary', fs.readFileSync(files.summary, 'utf8'));
  });

  test('Buildkite: `buildkite-agent oidc request-token` is asked with the audience only', async () => {
    const h = home();
    const bin = path.join(h.dir, 'bin');
    fs.mkdirSync(bin);
    // A stand-in agent: prints the CI token it finds in its environment, after a pause to be seen.
    fs.writeFileSync(
      path.join(bin, 'buildkite-agent'),
      '#!/bin/sh\nsleep 0.5\nprintf "%s\\n" "$FAKE_CI_JWT"\n',
      { mode: 0o755 },
    );
    const jwt = await target.idToken();
    addCanary(jwt);
    const env = {
      ...h.env,
      PATH: `${bin}:${h.env.PATH}`,
      BUILDKITE: 'true',
      BUILDKITE_AGENT_ACCESS_TOKEN: CANARY.requestToken,
      FAKE_CI_JWT: jwt,
    };
    const r = await runWatched(
      process.execPath,
      [CLI, 'login', '--method', 'oidc', '--oidc-source', 'buildkite', '--url', target.url],
      env,
    );
    expect(r.err).toMatch(/Logged in/);
    expect(r.code).toBe(0);
    const agent = r.seen.find((p) => p.argv.some((a) => a.endsWith('buildkite-agent')));
    expect(agent?.argv.slice(-4)).toEqual(['oidc', 'request-token', '--audience', target.audience]);
    noSecretOnArgv(r.seen);
    assertNoCanaries('buildkite login output', r.out + r.err);
    storedToken(path.join(h.dir, 'store', 'credentials.json'));
  });
});

/** Every file under `dir` holding `token` (as is, or base64 in a docker `auth`), with its mode. */
function filesHolding(dir: string, token: string): Array<{ file: string; mode: number; dirMode: number }> {
  const forms = [
    token,
    Buffer.from(token).toString('base64'),
    Buffer.from(`ci-deployer:${token}`).toString('base64'),
  ];
  const out: Array<{ file: string; mode: number; dirMode: number }> = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (forms.some((f) => fs.readFileSync(p, 'utf8').includes(f)))
        out.push({ file: p, mode: fs.statSync(p).mode & 0o777, dirMode: fs.statSync(d).mode & 0o777 });
    }
  };
  walk(dir);
  return out;
}

describe('every file that holds a secret is 0600 (in a 0700 directory deploy-login made)', () => {
  const ALL = 'spin,env,docker,npmrc,netrc,kubeconfig';

  test('CLI login with every format', async () => {
    const h = home();
    const r = await runCli(
      [
        'login',
        '--method',
        'password',
        '--username',
        'ci-deployer',
        '--password-stdin',
        '--url',
        target.url,
        '--format',
        ALL,
      ],
      {
        env: h.env,
        stdin: CANARY.password,
      },
    );
    expect(r.code).toBe(0);
    const token = storedToken(path.join(h.dir, 'store', 'credentials.json'));
    const holding = filesHolding(h.dir, token);
    // store, spin, env, docker, npmrc, netrc, kubeconfig (and their ledgers where they keep entries)
    expect(holding.length).toBeGreaterThanOrEqual(7);
    for (const f of holding) {
      expect({ file: f.file, mode: f.mode.toString(8) }).toEqual({ file: f.file, mode: '600' });
      // HOME itself is the user's; every directory deploy-login created is 0700.
      if (path.dirname(f.file) !== h.dir)
        expect({ dir: path.dirname(f.file), mode: f.dirMode.toString(8) }).toEqual({
          dir: path.dirname(f.file),
          mode: '700',
        });
    }
    // The password is never stored anywhere, in any form.
    expect(filesHolding(h.dir, CANARY.password)).toEqual([]);
  });

  test('Action job (main, then post): 0600 while it runs, and nothing holding the token after the post step', async () => {
    const files: RunnerFiles = runnerDirs();
    const inputs = {
      url: target.url,
      method: 'password',
      username: 'ci-deployer',
      password: CANARY.password,
      format: ALL,
    };
    const { main, post } = await runActionJob(files, inputs);
    expect(main.code).toBe(0);
    expect(post.code).toBe(0);
    const token = main.outputs.token!;
    addCanary(token);
    // The runner's own command files (outputs, env for later steps, state) carry what the step hands
    // over by design; the runner owns and deletes them. Everything else is checked.
    const runnerFiles = new Set([files.output, files.env, files.state, files.path, files.summary]);
    const left = filesHolding(files.dir, token).filter((f) => !runnerFiles.has(f.file));
    expect(left).toEqual([]);
    expect(findCanaries(fs.readFileSync(files.summary, 'utf8'))).toEqual([]);
  });

  test('Action main step alone: every file holding the token is 0600 while the job runs', async () => {
    const files: RunnerFiles = runnerDirs();
    const inputs = {
      url: target.url,
      method: 'password',
      username: 'ci-deployer',
      password: CANARY.password,
      format: ALL,
    };
    const main = await runActionStep('main', files, inputs);
    expect(main.code).toBe(0);
    const token = main.outputs.token!;
    addCanary(token);
    const runnerFiles = new Set([files.output, files.env, files.state, files.path, files.summary]);
    const holding = filesHolding(files.dir, token).filter((f) => !runnerFiles.has(f.file));
    expect(holding.length).toBeGreaterThanOrEqual(7);
    for (const f of holding)
      expect({ file: f.file, mode: f.mode.toString(8) }).toEqual({ file: f.file, mode: '600' });
  });
});

describe('error messages never quote a secret', () => {
  const TRUNCATED_STORE = `{"version":1,"current":"default","targets":{"default":{"url":"https://deploy.example.com","protocol":"oauth2","method":"token","token":"${CANARY.token}"`;
  const UNQUOTED_STORE = `{"version":1,"targets":{"default":{"url":"https://deploy.example.com","token": ${CANARY.token}}}}`;

  test("Node's own JSON.parse would quote the secret (so the checks below can fail)", () => {
    expect(() => JSON.parse(UNQUOTED_STORE)).toThrow(CANARY.token.slice(0, 10));
  });

  test.each([
    ['cut short', TRUNCATED_STORE],
    ['with an unquoted token', UNQUOTED_STORE],
  ])('a store %s: every command names the file, exit 2, no secret', async (_what, text) => {
    const h = home();
    const file = path.join(h.dir, 'store', 'credentials.json');
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, text, { mode: 0o600 });
    for (const argv of [
      ['status'],
      ['status', '--json'],
      ['token'],
      ['env'],
      ['targets'],
      ['logout'],
      ['run', '--', 'true'],
    ]) {
      // runCli fails the test if any canary appears in stdout or stderr.
      const r = await runCli(argv, { env: h.env });
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.stderr).toContain(file);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(text); // never silently discarded
  });

  test.each([
    ['a token response cut short', 200, `{"access_token":"${CANARY.token}","token_type":`, 5],
    ['a token response with the token unquoted', 200, `{"access_token": ${CANARY.token}}`, 5],
    [
      'an error that echoes the password',
      400,
      JSON.stringify({ error: 'invalid_grant', error_description: `wrong password ${CANARY.password}` }),
      3,
    ],
    [
      'an error page quoting the request',
      502,
      `<html><body>bad gateway for password=${CANARY.password}</body></html>`,
      5,
    ],
  ])('%s: the right exit code and no secret in the message', async (_what, status, body, exit) => {
    const h = home();
    await target.faults([{ path: '/oauth/token', kind: 'status', status, body, times: -1 }]);
    const r = await runCli(
      ['login', '--method', 'password', '--username', 'ci-deployer', '--url', target.url],
      {
        env: {
          ...h.env,
          DEPLOY_LOGIN_PASSWORD: CANARY.password,
          DEPLOY_LOGIN_MAX_ATTEMPTS: '2',
          DEPLOY_LOGIN_RETRY_BASE_MS: '10',
        },
      },
    );
    expect(r.code).toBe(exit);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^deploy-login login: /);
    expect(fs.existsSync(path.join(h.dir, 'store', 'credentials.json'))).toBe(false);
  });

  test('Action: a refused password is masked in the log and the job summary', async () => {
    await target.faults([
      {
        path: '/oauth/token',
        kind: 'status',
        status: 400,
        body: { error: 'invalid_grant', error_description: `no such password: ${CANARY.password}` },
        times: -1,
      },
    ]);
    const files = runnerDirs();
    // runActionStep fails the test if a canary survives the runner's masking in the log or the summary.
    const r = await runActionStep('main', files, {
      url: target.url,
      method: 'password',
      username: 'ci-deployer',
      password: CANARY.password,
    });
    expect(r.code).toBe(3);
    expect(r.outputs.outcome).toBe('needs-login');
    expect(r.stdout).toMatch(/::error::.*\*\*\*/);
  });
});

/** A forward proxy that records every request and passes it on to the dev target. */
async function recordingProxy(): Promise<{
  url: string;
  seen: Array<{ host: string; path: string; auth: boolean }>;
  close(): Promise<void>;
}> {
  const seen: Array<{ host: string; path: string; auth: boolean }> = [];
  const upstream = new URL(target.url);
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', `http://${req.headers.host}`);
    seen.push({ host: u.host, path: u.pathname, auth: !!req.headers.authorization });
    const fwd = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: u.pathname + u.search,
        headers: { ...req.headers, host: upstream.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  server.on('connect', (_req, socket) => {
    seen.push({ host: 'CONNECT', path: '', auth: false });
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

describe('plain http:// and redirects', () => {
  const HOST = 'deploy.example.test';

  test('plain http:// to another host: refused before anything is sent (exit 2), unless DEPLOY_LOGIN_ALLOW_HTTP=true', async () => {
    const proxy = await recordingProxy();
    try {
      const h = home();
      const env: NodeJS.ProcessEnv = {
        ...h.env,
        HTTP_PROXY: proxy.url,
        DEPLOY_LOGIN_PASSWORD: CANARY.password,
      };
      const login = (extra: string[], e = env) =>
        runCli(['login', '--method', 'password', '--username', 'ci-deployer', ...extra], { env: e });
      const refused = [
        await login(['--url', `http://${HOST}`]),
        await login(['--url', target.url, '--token-endpoint', `http://${HOST}/oauth/token`]),
        await login(['--url', `http://${HOST}`], { ...env, DEPLOY_LOGIN_ALLOW_HTTP: 'yes' }),
      ];
      for (const r of refused) expect(r.code).toBe(2);
      expect(refused[0]!.stderr).toMatch(/http:\/\//);
      expect(refused[1]!.stderr).toMatch(/http:\/\//);
      // Booleans are only true/false: "yes" is refused as a bad value, not taken as either.
      expect(refused[2]!.stderr).toMatch(/DEPLOY_LOGIN_ALLOW_HTTP must be "true" or "false", not "yes"/);
      expect(proxy.seen).toEqual([]);
      // Allowed explicitly: the request goes out (through the proxy, to the dev target).
      const allowed = await login(
        ['--url', `http://${HOST}`, '--token-endpoint', `http://${HOST}/oauth/token`],
        { ...env, DEPLOY_LOGIN_ALLOW_HTTP: 'true' },
      );
      expect(allowed.stderr).toMatch(/Logged in/);
      expect(allowed.code).toBe(0);
      expect(proxy.seen).toContainEqual({ host: HOST, path: '/oauth/token', auth: false });
      storedToken(path.join(h.dir, 'store', 'credentials.json'));
    } finally {
      await proxy.close();
    }
  });

  test('the Action reads DEPLOY_LOGIN_ALLOW_HTTP as strictly as the CLI, also where the Spin variables are checked first: "yes" is a bad value (exit 2), nothing sent', async () => {
    const proxy = await recordingProxy();
    try {
      // protocol fermyon validates BINDLE_URL before any request option is read: that check once
      // took "yes" for false and blamed the URL instead of the setting.
      const inputs = {
        url: `http://${HOST}`,
        protocol: 'fermyon',
        method: 'password',
        username: 'ci-deployer',
        password: CANARY.password,
      };
      const env = {
        HTTP_PROXY: proxy.url,
        DEPLOY_LOGIN_ALLOW_HTTP: 'yes',
        BINDLE_URL: `http://${HOST}/bindle`,
      };
      const main = await runActionStep('main', runnerDirs(), inputs, { env });
      expect(main.code).toBe(2);
      expect(main.outputs['exit-code']).toBe('2');
      expect(main.stdout).toMatch(/DEPLOY_LOGIN_ALLOW_HTTP must be "true" or "false", not "yes"/);
      expect(proxy.seen).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  test.each([
    [
      'the token endpoint (client secret in Authorization: Basic)',
      '/oauth/token',
      ['--method', 'password', '--username', 'ci-deployer', '--client-id', 'deploy-cli'],
    ],
    ["GitHub's OIDC token service (the runner's bearer)", '/_apis/idtoken', ['--method', 'oidc']],
  ])(
    'a redirect to another origin from %s is not followed (exit 2): the other origin receives nothing',
    async (_what, p, args) => {
      const h = home();
      await target.faults([{ path: p, kind: 'redirect', status: 307, times: -1 }]);
      const r = await runCli(['login', '--url', target.url, ...args], {
        env: {
          ...h.env,
          ...target.githubEnv(),
          DEPLOY_LOGIN_PASSWORD: CANARY.password,
          DEPLOY_LOGIN_CLIENT_SECRET: 'deploy-cli-secret',
        },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/another origin/);
      // The dev target logs every request, whichever origin it came in on (localhost is the "other origin").
      const requests = (await target.log()).filter((e) => e.path === p);
      expect(requests).toEqual([expect.objectContaining({ fault: 'redirect', authorization: true })]);
    },
  );
});
