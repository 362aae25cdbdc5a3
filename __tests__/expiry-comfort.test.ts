/**
 * Expiry (status time left and --min-valid, status --verify, refresh) and comfort (env for eval,
 * shell completion for bash/zsh/fish, colour only on a terminal and never with NO_COLOR), from the
 * built CLI against the dev target.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addCanary, CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { CLI, baseEnv, runCli, runProcess } from './helpers/dist';

let target: DevTarget;
let dir: string;

beforeAll(async () => {
  target = await startDevTarget([], { DEV_TARGET_PASSWORD: CANARY.password });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-exp-'));
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
  const env = baseEnv({ HOME: dir, DEPLOY_LOGIN_CONFIG: store, DEPLOY_LOGIN_MAX_ATTEMPTS: '1', ...extra });
  const cli = (args: string[], more: NodeJS.ProcessEnv = {}) => runCli(args, { env: { ...env, ...more } });
  const entry = (name = 'default') => {
    const t = JSON.parse(fs.readFileSync(store, 'utf8')).targets[name];
    addCanary(t.token);
    if (t.refreshToken) addCanary(t.refreshToken);
    return t as { token: string; refreshToken?: string; expiresAt?: string };
  };
  const login = async (args: string[] = []) => {
    const r = await cli(['login', '--url', target.url, '--username', 'ci-deployer', ...args], {
      DEPLOY_LOGIN_PASSWORD: CANARY.password,
    });
    expect(r.code).toBe(0);
    entry(args.includes('--target') ? args[args.indexOf('--target') + 1] : 'default');
  };
  return { cli, entry, login, env, store };
}

describe('status: time left and --min-valid', () => {
  afterEach(async () => {
    await target.config({ tokenTtl: 3600 });
  });

  it('shows the time left, and warns (exit still 0) when less than --min-valid (default 300 s) is left', async () => {
    await target.config({ tokenTtl: 200 });
    const s = session();
    await s.login();
    const r = await s.cli(['status']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^logged in: "default" at http:\/\/127\.0\.0\.1:\d+ with password, expires in 3m \(\d{4}-.*\)\.\n/,
    );
    expect(r.stderr).toMatch(
      /\nwarning: the token for "default" expires in 3m \(.*\), less than 300 s from now: run "deploy-login refresh" before a long deploy\.\n$/,
    );

    const lenient = await s.cli(['status', '--min-valid', '60']);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).not.toContain('warning');

    const json = await s.cli(['status', '--json', '--min-valid', '600']);
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body).toMatchObject({ state: 'valid', outcome: 'success', exitCode: 0 });
    expect(body.secondsLeft).toBeGreaterThan(190);
    expect(body.secondsLeft).toBeLessThanOrEqual(200);
    expect(body.warning).toContain('less than 600 s from now');
  });

  it('refuses a --min-valid that is not a number of seconds (exit 2)', async () => {
    const r = await session().cli(['status', '--min-valid', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('deploy-login status: --min-valid must be a number of seconds, not "soon".\n');
  });
});

describe('status --verify', () => {
  it('asks the --check-url stored at login: 200 -> 0, 401 after revocation -> 3', async () => {
    const s = session();
    await s.login(['--check-url', `${target.url}/api/check`]);
    const ok = await s.cli(['status', '--verify']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('the target confirms the token is valid');
    expect((await target.log()).find((e) => e.path === '/api/check')).toMatchObject({
      authorization: true,
      status: 200,
    });

    await target.revokeAll();
    const revoked = await s.cli(['status', '--verify', '--json']);
    expect(revoked.code).toBe(3);
    expect(JSON.parse(revoked.stdout)).toMatchObject({
      state: 'valid',
      verified: false,
      outcome: 'needs-login',
      exitCode: 3,
    });
    // Without --verify the store alone still says valid: only the target knows.
    expect((await s.cli(['status'])).code).toBe(0);
  });

  it('is 5 when the check endpoint keeps failing, and 2 when none is configured', async () => {
    const s = session();
    await s.login(['--check-url', `${target.url}/api/check`]);
    await target.faults([{ path: '/api/check', kind: 'status', status: 503, times: -1 }]);
    expect((await s.cli(['status', '--verify'])).code).toBe(5);

    const plain = session();
    await plain.login();
    const r = await plain.cli(['status', '--verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'status --verify needs a check endpoint for target "default": log in with --check-url URL',
    );
  });

  it('does not ask the target about a credential that is already missing (exit 3)', async () => {
    const r = await session().cli(['status', '--verify']);
    expect(r.code).toBe(3);
    expect(await target.log()).toEqual([]);
  });
});

describe('refresh', () => {
  it('trades the refresh token for a new token (oauth2 refresh_token grant)', async () => {
    const s = session();
    await s.login();
    const before = s.entry();
    expect(before.refreshToken).toBeTruthy();
    const r = await s.cli(['refresh', '--json']);
    expect(r.code).toBe(0);
    const after = s.entry();
    expect(after.token).not.toBe(before.token);
    expect(JSON.parse(r.stdout)).toMatchObject({
      outcome: 'success',
      target: 'default',
      expiresAt: after.expiresAt,
    });
    expect((await target.log()).filter((e) => e.path === '/oauth/token').map((e) => e.grant)).toEqual([
      'password',
      'refresh_token',
    ]);
  });

  it('is 3 when there is no refresh token, or the target refuses it', async () => {
    const s = session({ DEPLOY_LOGIN_TOKEN: CANARY.token });
    expect((await s.cli(['login', '--url', target.url, '--method', 'token'])).code).toBe(0);
    const none = await s.cli(['refresh']);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('has no refresh token');

    const p = session();
    await p.login();
    await target.revokeAll();
    const refused = await p.cli(['refresh']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('was refused');
    expect((await session().cli(['refresh'])).code).toBe(3);
  });
});

describe('env', () => {
  it('prints export lines that a shell can eval', async () => {
    const s = session();
    await s.login(['--target', "it's-prod".replace("'", '')]);
    const token = s.entry('its-prod').token;
    const r = await runProcess(
      'bash',
      [
        '-c',
        'eval "$("$0" "$1" env --target its-prod)" && printf "%s\\n" "$DEPLOY_LOGIN_TARGET" "$DEPLOY_LOGIN_URL" "$DEPLOY_LOGIN_CONFIG" "$DEPLOY_LOGIN_EXPIRES_AT" && test "$DEPLOY_LOGIN_TOKEN" = "$2" && echo token-ok',
        process.execPath,
        CLI,
        token,
      ],
      { env: s.env, allowCanaries: true },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      'its-prod',
      target.url,
      s.store,
      s.entry('its-prod').expiresAt,
      'token-ok',
      '',
    ]);
  });

  it('prints nothing to eval when the target needs login (exit 3)', async () => {
    const r = await session().cli(['env']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });
});

describe('completion', () => {
  const script = async (shell: string) => {
    const r = await runCli(['completion', shell]);
    expect(r.code).toBe(0);
    const file = path.join(dir, `completion.${shell}`);
    fs.writeFileSync(file, r.stdout);
    return file;
  };
  // A `deploy-login` on PATH, as the completion scripts call it for target names.
  const bin = () => {
    const b = path.join(dir, 'bin');
    fs.mkdirSync(b, { recursive: true });
    fs.writeFileSync(path.join(b, 'deploy-login'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, {
      mode: 0o755,
    });
    return `${b}:${process.env.PATH}`;
  };

  it('bash: the script parses, registers, and completes commands, flags, values and targets', async () => {
    const file = await script('bash');
    expect((await runProcess('bash', ['-n', file])).code).toBe(0);
    const s = session();
    await s.login(['--target', 'staging']);
    const complete = (words: string[]) =>
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _deploy_login; echo "\${COMPREPLY[*]}"`;
    const r = await runProcess(
      'bash',
      [
        '-c',
        [
          `source ${file}`,
          'complete -p deploy-login',
          complete(['deploy-login', 're']),
          complete(['deploy-login', 'login', '--json-r']),
          complete(['deploy-login', 'login', '--method', '']),
          complete(['deploy-login', 'use', '']),
          complete(['deploy-login', 'status', '--v']),
        ].join('\n'),
      ],
      { env: { ...s.env, PATH: bin() } },
    );
    expect(r.stderr).toBe('');
    const [registered, commands, flag, methods, targets, verify] = r.stdout.trim().split('\n');
    expect(registered).toBe('complete -F _deploy_login deploy-login');
    expect(commands).toBe('refresh');
    expect(flag).toBe('--json-recipe');
    expect(methods!.split(' ')).toEqual(
      expect.arrayContaining(['oidc', 'password', 'token', 'device', 'auto']),
    );
    expect(targets).toBe('staging');
    expect(verify).toBe('--verify');
  });

  const has = (exe: string) =>
    ['/usr/bin', '/bin', '/usr/local/bin'].some((d) => fs.existsSync(path.join(d, exe)));

  (has('zsh') ? it : it.skip)('zsh: the script parses and registers with compinit', async () => {
    const file = await script('zsh');
    expect((await runProcess('zsh', ['-n', file])).code).toBe(0);
    const r = await runProcess(
      'zsh',
      [
        '-fc',
        `autoload -U compinit && compinit -u -d ${dir}/zcomp && source ${file} && print -r -- $_comps[deploy-login]`,
      ],
      {
        env: baseEnv({ HOME: dir }),
      },
    );
    expect(r.stdout.trim()).toBe('_deploy_login');
  });

  (has('fish') ? it : it.skip)('fish: the script parses and completes flags and values', async () => {
    const file = await script('fish');
    expect((await runProcess('fish', ['-n', file])).code).toBe(0);
    const r = await runProcess(
      'fish',
      [
        '-c',
        `source ${file}; complete -C 'deploy-login status --mi'; complete -C 'deploy-login login --json-recipe '`,
      ],
      { env: baseEnv({ HOME: dir }) },
    );
    const [flag, ...recipes] = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t')[0]);
    expect(flag).toBe('--min-valid');
    expect(recipes.sort()).toEqual(['jwt-service', 'pypi', 'vault']);
  });

  it('refuses an unknown shell (exit 2)', async () => {
    const r = await runCli(['completion', 'powershell']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('deploy-login completion: Give one shell, one of: bash, zsh, fish');
  });
});

describe('colour', () => {
  const underTty = (env: NodeJS.ProcessEnv) =>
    runProcess('script', ['-qec', `'${process.execPath}' '${CLI}' status`, '/dev/null'], { env });

  it('only on a terminal, and never with NO_COLOR', async () => {
    const env = baseEnv({ HOME: dir, DEPLOY_LOGIN_CONFIG: path.join(dir, 'nothing.json') });
    delete env.NO_COLOR;
    const piped = await runCli(['status'], { env });
    expect(piped.stderr).toContain('needs login');
    expect(piped.stderr).not.toContain('\u001b[');
    const tty = await underTty(env);
    expect(tty.stdout).toContain('\u001b[31mneeds login\u001b[0m');
    const noColor = await underTty({ ...env, NO_COLOR: '1' });
    expect(noColor.stdout).toContain('needs login');
    expect(noColor.stdout).not.toContain('\u001b[');
  });
});
