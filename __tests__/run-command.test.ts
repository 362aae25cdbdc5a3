/**
 * `deploy-login run` from the built CLI: it never waits for input (stdin closed, no terminal,
 * prompts off, interactive logins stopped, --timeout ends the whole process group), streams the
 * command's output live and in order, classifies real tools' failures (curl, wget, and the
 * messages real deploy tools print), and --relogin logs in again without a person.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addCanary, CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { CLI, baseEnv, runCli, runProcess } from './helpers/dist';

let target: DevTarget;
let dir: string;

beforeAll(async () => {
  target = await startDevTarget([], {
    DEV_TARGET_PASSWORD: CANARY.password,
    DEV_TARGET_REQUEST_TOKEN: CANARY.requestToken,
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-run-'));
});
afterAll(async () => {
  await target?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await target.resetControl();
});

let n = 0;
function session(extra: NodeJS.ProcessEnv = {}) {
  const store = path.join(dir, `s${++n}`, 'credentials.json');
  const env = baseEnv({ HOME: dir, DEPLOY_LOGIN_CONFIG: store, ...extra });
  const cli = (args: string[], more: NodeJS.ProcessEnv = {}, timeoutMs?: number) =>
    runCli(args, { env: { ...env, ...more }, timeoutMs });
  const data = () => JSON.parse(fs.readFileSync(store, 'utf8'));
  const write = (d: unknown) => fs.writeFileSync(store, JSON.stringify(d), { mode: 0o600 });
  const loginWithPassword = async (name = 'default') => {
    const r = await cli(['login', '--url', target.url, '--username', 'ci-deployer', '--target', name], {
      DEPLOY_LOGIN_PASSWORD: CANARY.password,
    });
    expect(r.code).toBe(0);
    for (const t of Object.values(data().targets) as Array<{ token: string; refreshToken?: string }>) {
      addCanary(t.token);
      if (t.refreshToken) addCanary(t.refreshToken);
    }
  };
  return { cli, data, write, loginWithPassword, store, env };
}

/** Alive and not a zombie (an orphan's parent here may be an init that never reaps). */
function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** A token that the deploy API accepts only while it is not revoked: a real authenticated call. */
const CURL_DEPLOY = [
  'sh',
  '-c',
  'curl -sS -f -X POST -H "Authorization: Bearer $DEPLOY_LOGIN_TOKEN" "$DEPLOY_LOGIN_URL/api/deploy"',
];

describe('never waits for input', () => {
  let s: ReturnType<typeof session>;
  beforeAll(async () => {
    s = session();
    await s.loginWithPassword();
  });

  it('a command that reads stdin gets EOF at once; stopping at a login prompt means needs login (3)', async () => {
    const started = Date.now();
    const r = await s.cli([
      'run',
      '--timeout',
      '20',
      '--',
      'sh',
      '-c',
      'printf "Password: "; read pw || exit 1; echo "got $pw"',
    ]);
    expect(r.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.stdout).toBe('Password: ');
    expect(r.stderr).toContain('needs login (it stopped at a login prompt)');
  });

  it('a command waiting at a prompt is ended by --timeout with 3, its background children too', async () => {
    const pidFile = path.join(dir, 'bg.pid');
    const started = Date.now();
    const r = await s.cli(
      [
        'run',
        '--timeout',
        '1.5',
        '--json',
        '--',
        'sh',
        '-c',
        `sleep 60 & echo $! > ${pidFile}; printf "Username for 'https://deploy.example.com': "; wait`,
      ],
      {},
      20_000,
    );
    const took = Date.now() - started;
    expect(r.code).toBe(3);
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(6000);
    expect(JSON.parse(r.stdout)).toMatchObject({
      outcome: 'needs-login',
      exitCode: 3,
      timedOut: true,
      signal: 'SIGTERM',
    });
    // The whole process group was stopped: the background sleep is gone too.
    const bg = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(isRunning(bg)).toBe(false);
  });

  it('a command that just hangs is ended by --timeout with 4 (deploy failed)', async () => {
    const r = await s.cli(
      ['run', '--timeout', '1', '--', 'sh', '-c', 'echo deploying; sleep 60'],
      {},
      20_000,
    );
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('deploying\n');
    expect(r.stderr).toContain('sh timed out after 1 s: deploy failed.');
  });

  it('a command that starts an interactive login (Spin device flow) is stopped at once with 3', async () => {
    const started = Date.now();
    const r = await s.cli(
      ['run', '--', 'sh', '-c', 'echo; echo "Copy your one-time code:"; echo; echo ABCD-1234; sleep 60'],
      {},
      20_000,
    );
    expect(r.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.stderr).toContain('needs login (it started an interactive login');
  });

  it('gives the command no terminal to prompt on, even when deploy-login has one, and switches prompts off', async () => {
    const probe = `if (exec 3</dev/tty) 2>/dev/null; then echo tty=yes; else echo tty=no; fi; echo "git=$GIT_TERMINAL_PROMPT ssh=$SSH_ASKPASS_REQUIRE askpass=[$GIT_ASKPASS] gcm=$GCM_INTERACTIVE"`;
    // `script` gives deploy-login a real pseudo-terminal as its controlling terminal.
    const cmd = [process.execPath, CLI, 'run', '--', 'sh', '-c', probe]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    const r = await runProcess('script', ['-qec', cmd, '/dev/null'], { env: { ...s.env } });
    expect(r.stdout.replace(/\r/g, '')).toContain('tty=no\ngit=0 ssh=never askpass=[] gcm=never\n');
    // Sanity: the same probe run directly under `script` does see a terminal.
    const direct = await runProcess(
      'script',
      ['-qec', `sh -c '${probe.replace(/'/g, `'\\''`)}'`, '/dev/null'],
      { env: { ...s.env } },
    );
    expect(direct.stdout).toContain('tty=yes');
  });

  it('keeps a GIT_ASKPASS the user set (a script that supplies a token)', async () => {
    const r = await s.cli(['run', '--', 'sh', '-c', 'echo "[$GIT_ASKPASS]"'], {
      GIT_ASKPASS: '/opt/ci/token-askpass',
    });
    expect(r.stdout).toBe('[/opt/ci/token-askpass]\n');
  });
});

describe('streams output live and in order', () => {
  it('shows each line when it is written, not when the command ends', async () => {
    const s = session();
    await s.loginWithPassword();
    const seen: Array<{ at: number; text: string }> = [];
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [CLI, 'run', '--', 'sh', '-c', 'for i in 1 2 3; do echo "step $i"; sleep 0.6; done; echo done'],
      {
        env: s.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => seen.push({ at: Date.now() - started, text }));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const ended = Date.now() - started;
    expect(code).toBe(0);
    expect(seen.map((x) => x.text).join('')).toBe('step 1\nstep 2\nstep 3\ndone\n');
    const first = seen.find((x) => x.text.includes('step 1'))!;
    // "step 1" arrived well before the command finished (about 1.8 s later).
    expect(ended - first.at).toBeGreaterThan(1000);
  });
});

describe('classifies real tools', () => {
  let s: ReturnType<typeof session>;
  beforeAll(async () => {
    s = session();
    await s.loginWithPassword();
  });

  it.each([
    [
      'curl, accepted',
      ['curl', '-sS', '-f', '-X', 'POST', '-H', 'Authorization: Bearer $T', '$U/api/deploy'],
      0,
    ],
    ['curl, 401', ['curl', '-sS', '-f', '$U/api/whoami'], 3],
    [
      'curl, 500',
      ['curl', '-sS', '-f', '-X', 'POST', '-H', 'Authorization: Bearer $T', '$U/api/deploy?fail=1'],
      4,
    ],
    ['wget, 401 (exit 6)', ['wget', '-q', '-O-', '$U/api/whoami'], 3],
    [
      'wget, 500 (exit 8)',
      [
        'wget',
        '-q',
        '-O-',
        '--header',
        'Authorization: Bearer $T',
        '--post-data',
        'x',
        '$U/api/deploy?fail=1',
      ],
      4,
    ],
  ])('%s', async (_name, argv, expected) => {
    const token = s.data().targets.default.token as string;
    const args = (argv as string[]).map((a) => a.replace('$U', target.url).replace('$T', token));
    const r = await s.cli(['run', '--', ...args]);
    expect(r.code).toBe(expected);
  });

  // The messages real tools print (reference/peers.md "Reusable exit-code/message facts", seen against real peers).
  it.each([
    ['npm', 'npm error code E401\nnpm error 401 Unauthorized - PUT http://127.0.0.1:4873/pkg', 1, 3],
    [
      'npm',
      'npm error code ENEEDAUTH\nnpm error need auth This command requires you to be logged in to http://127.0.0.1:4873/',
      1,
      3,
    ],
    [
      'npm',
      'npm error code E403\nnpm error 403 403 Forbidden - PUT http://127.0.0.1:4873/restricted-pkg',
      1,
      4,
    ],
    ['npm', 'npm error You cannot publish over the previously published versions: 1.0.0.', 1, 4],
    [
      'skopeo',
      'time="2024-01-01T00:00:00Z" level=fatal msg="initializing destination docker://127.0.0.1:5000/demo/app:v1: reading manifest v1 in 127.0.0.1:5000/demo/app: unauthorized: authentication required"',
      1,
      3,
    ],
    ['skopeo', 'level=fatal msg="trying to reuse blob: invalid username/password"', 1, 3],
    [
      'skopeo',
      'level=fatal msg="writing manifest: denied: requested access to the resource is denied"',
      1,
      3,
    ],
    ['skopeo', 'level=fatal msg="writing blob: StatusCode: 405, Method not allowed"', 1, 4],
    [
      'docker',
      'Error response from daemon: Get "https://127.0.0.1:5000/v2/": failed with status: 401 Unauthorized',
      1,
      3,
    ],
    ['docker', 'no basic auth credentials', 1, 3],
    // Registries' own wording, as dockerd passes it on (Docker Hub, GHCR, a bare 401, ECR).
    [
      'docker',
      'Error response from daemon: Get "https://registry-1.docker.io/v2/": unauthorized: incorrect username or password',
      1,
      3,
    ],
    ['docker', 'unauthorized: unauthenticated: User cannot be authenticated with the token provided.', 1, 3],
    [
      'docker',
      'Error response from daemon: Head "https://ghcr.io/v2/acme/app/manifests/latest": unauthorized',
      1,
      3,
    ],
    ['docker', 'denied: Your authorization token has expired. Reauthenticate and try again.', 1, 3],
    [
      'docker',
      'Error response from daemon: Get "https://ghcr.io/v2/": net/http: TLS handshake timeout',
      1,
      4,
    ],
    ['docker', 'no such manifest: 127.0.0.1:5000/demo/app:v2', 1, 4],
    ['kubectl', 'error: You must be logged in to the server (Unauthorized)', 1, 3],
    ['kubectl', 'Please enter Username: error: EOF', 1, 3],
    ['kubectl', 'Error from server (NotFound): deployments.apps "web" not found', 1, 4],
    [
      'kubectl',
      'Error from server (Forbidden): deployments.apps is forbidden: User "ci" cannot patch resource',
      1,
      4,
    ],
    [
      'helm',
      'Error: Kubernetes cluster unreachable: the server has asked for the client to provide credentials',
      1,
      3,
    ],
    ['git', "fatal: could not read Username for 'http://127.0.0.1:8090': terminal prompts disabled", 128, 3],
    [
      'git',
      " ! [rejected]        main -> main (non-fast-forward)\nerror: failed to push some refs to 'http://127.0.0.1:8090/git/site.git'",
      1,
      4,
    ],
    ['spin', 'Error: Run `spin login` to log in', 1, 3],
    [
      'spin',
      "You have no instance saved as 'staging'\nRun `spin login --environment-name staging` to log in",
      1,
      3,
    ],
    ['spin', 'Error: Failed to deploy: the app manifest is invalid', 1, 4],
    // Tools that would have asked for a login on a terminal (their documented messages).
    ['docker', 'Error: Cannot perform an interactive login from a non TTY device', 1, 3],
    [
      'npm',
      'npm error code EOTP\nnpm error This operation requires a one-time password from your authenticator.',
      1,
      3,
    ],
    ['az', "ERROR: Please run 'az login' to setup account.", 1, 3],
    [
      'gcloud',
      'ERROR: (gcloud.run.deploy) You do not currently have an active account selected.\nPlease run:\n\n  $ gcloud auth login',
      1,
      3,
    ],
    ['gh', 'To get started with GitHub CLI, please run:  gh auth login', 4, 3],
  ])('%s: %j exit %d -> %d', async (tool, message, exit, expected) => {
    // A stand-in named like the tool that prints exactly what the real one does.
    const bin = path.join(dir, 'tools', tool);
    fs.mkdirSync(bin, { recursive: true });
    const file = path.join(bin, tool);
    fs.writeFileSync(file, `#!/bin/sh\ncat >&2 <<'EOF'\n${message}\nEOF\nexit ${exit}\n`, { mode: 0o755 });
    const r = await s.cli(['run', '--json', '--', file, 'deploy']);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: expected, commandExitCode: exit });
    expect(r.code).toBe(expected);
  });

  it('takes --needs-login-pattern and --needs-login-exit-code', async () => {
    const r1 = await s.cli([
      'run',
      '--needs-login-pattern',
      'ticket (?:expired|revoked)',
      '--',
      'sh',
      '-c',
      'echo "ticket revoked"; exit 1',
    ]);
    expect(r1.code).toBe(3);
    const r2 = await s.cli(['run', '--needs-login-exit-code', '77', '--', 'sh', '-c', 'exit 77']);
    expect(r2.code).toBe(3);
    const bad = await s.cli(['run', '--needs-login-exit-code', '300', '--', 'true']);
    expect(bad.code).toBe(2);
  });
});

describe('--relogin', () => {
  it('without it, a missing credential is exit 3 and the command does not run', async () => {
    const s = session();
    const marker = path.join(dir, 'ran-1');
    const r = await s.cli(['run', '--', 'touch', marker]);
    expect(r.code).toBe(3);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('logs in with DEPLOY_LOGIN_URL and friends when the target was never logged in to here', async () => {
    const s = session({
      DEPLOY_LOGIN_URL: target.url,
      DEPLOY_LOGIN_USERNAME: 'ci-deployer',
      DEPLOY_LOGIN_PASSWORD: CANARY.password,
    });
    const r = await s.cli(['run', '--relogin', '--', ...CURL_DEPLOY]);
    expect(r.stderr).toContain('logging in to "default" again with password');
    expect(r.code).toBe(0);
    addCanary(s.data().targets.default.token);
  });

  it('logs in again when the stored token has expired (and cannot be refreshed)', async () => {
    const s = session();
    await s.loginWithPassword();
    const d = s.data();
    d.targets.default.expiresAt = new Date(Date.now() - 3600_000).toISOString();
    delete d.targets.default.refreshToken;
    s.write(d);
    expect((await s.cli(['run', '--', ...CURL_DEPLOY])).code).toBe(3);
    const r = await s.cli(['run', '--relogin', '--', ...CURL_DEPLOY], {
      DEPLOY_LOGIN_PASSWORD: CANARY.password,
    });
    expect(r.code).toBe(0);
    addCanary(s.data().targets.default.token);
    expect(Date.parse(s.data().targets.default.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('logs in again once when the deploy is refused for authentication, then deploys', async () => {
    const s = session();
    await s.loginWithPassword();
    await target.revokeAll();
    const r = await s.cli(['run', '--relogin', '--', ...CURL_DEPLOY], {
      DEPLOY_LOGIN_PASSWORD: CANARY.password,
    });
    expect(r.stderr).toContain('the deploy was refused for authentication');
    expect(r.code).toBe(0);
    addCanary(s.data().targets.default.token);
    const log = await target.log();
    expect(log.filter((e) => e.path === '/api/deploy').map((e) => e.status)).toEqual([401, 200]);
    // The first login, and one more.
    expect(log.filter((e) => e.grant === 'password')).toHaveLength(2);
  });

  it('does not loop: a deploy that is refused again after the new login ends with 3', async () => {
    const s = session();
    await s.loginWithPassword();
    const r = await s.cli(
      ['run', '--relogin', '--', 'sh', '-c', 'echo "HTTP/1.1 401 Unauthorized" >&2; exit 1'],
      { DEPLOY_LOGIN_PASSWORD: CANARY.password },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('logging in again once');
    // The first login and exactly one more: no loop.
    expect((await target.log()).filter((e) => e.grant === 'password')).toHaveLength(2);
    addCanary(s.data().targets.default.token);
  });

  it('says why it cannot log in again without a person (no password in the environment): 3', async () => {
    const s = session();
    await s.loginWithPassword();
    const d = s.data();
    d.targets.default.expiresAt = new Date(Date.now() - 3600_000).toISOString();
    delete d.targets.default.refreshToken;
    s.write(d);
    const r = await s.cli(['run', '--relogin', '--', 'true']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--relogin cannot log in again: DEPLOY_LOGIN_PASSWORD is not set.');
  });

  it('re-uses the OIDC source stored at login (--id-token-env) and says when no CI token is there', async () => {
    const s = session();
    const jwt = await target.idToken(target.audience);
    addCanary(jwt);
    const login = await s.cli(
      ['login', '--url', target.url, '--method', 'oidc', '--id-token-env', 'MY_JWT'],
      { MY_JWT: jwt },
    );
    expect(login.code).toBe(0);
    addCanary(s.data().targets.default.token);
    await target.revokeAll();
    const fresh = await target.idToken(target.audience);
    addCanary(fresh);
    const r = await s.cli(['run', '--relogin', '--', ...CURL_DEPLOY], { MY_JWT: fresh });
    expect(r.code).toBe(0);
    addCanary(s.data().targets.default.token);
    await target.revokeAll();
    const none = await s.cli(['run', '--relogin', '--', ...CURL_DEPLOY]);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('The OIDC token variable MY_JWT is empty or unset');
  });
});
