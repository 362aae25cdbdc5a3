/**
 * What a login leaves in HOME, through the BUILT CLI and Action: an unparseable tool file is
 * replaced with a warning and put back (bytes and mode) at logout; a failure after the exchange
 * leaves no store and no directory; logout / the post step removes the directories login made;
 * ledgers never look like Spin environments; a format's refusals come before any request; the
 * dotenv file reads back exactly in Node's --env-file and in a shell.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addCanary, CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import {
  baseEnv,
  makeRunnerDirs,
  modeOf,
  runActionStep,
  runCli,
  runCliPasswordLogin,
  type RunnerFiles,
} from './helpers/dist';

/** Every path under `dir`, relative, sorted: what a test expects HOME to hold. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push(path.relative(dir, p) + (e.isDirectory() ? '/' : ''));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe('tool files: unparseable files, directories, ledgers, refusals before the request', () => {
  let target: DevTarget;
  let files: RunnerFiles;
  const store = () => path.join(files.dir, 'store', 'credentials.json');
  const env = (extra: NodeJS.ProcessEnv = {}) =>
    baseEnv({ HOME: files.home, DEPLOY_LOGIN_CONFIG: store(), ...extra });
  const home = (rel: string) => path.join(files.home, rel);
  const passwordLogin = (formats: string, extra: string[] = [], extraEnv: NodeJS.ProcessEnv = {}) =>
    runCliPasswordLogin(target.url, ['--format', formats, ...extra], env(extraEnv));
  const tokenLogin = (formats: string, token: string, extra: string[] = []) =>
    runCli(
      [
        'login',
        '--url',
        'https://deploy.example.com',
        '--method',
        'token',
        '--token-stdin',
        '--format',
        formats,
        ...extra,
      ],
      { env: env(), stdin: token },
    );
  const logout = () => runCli(['logout'], { env: env() });

  beforeAll(async () => {
    target = await startDevTarget([], { DEV_TARGET_PASSWORD: CANARY.password });
  });
  afterAll(async () => {
    await target?.close();
  });
  beforeEach(async () => {
    await target.resetControl();
    files = makeRunnerDirs();
  });
  afterEach(() => fs.rmSync(files.dir, { recursive: true, force: true }));

  test('unparseable Docker, kube and Spin files are replaced with a warning naming each; logout puts back bytes and mode', async () => {
    const broken: Record<string, string> = {
      '.docker/config.json': '{not json',
      '.kube/config': 'clusters: [unclosed\n',
      '.config/fermyon/config.json': 'url = "not json"\n',
    };
    for (const [rel, text] of Object.entries(broken)) {
      fs.mkdirSync(path.dirname(home(rel)), { recursive: true });
      fs.writeFileSync(home(rel), text, { mode: 0o644 });
    }
    const r = await passwordLogin('spin,docker,kubeconfig');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    for (const rel of Object.keys(broken)) {
      expect(r.stderr).toContain(
        `warning: ${home(rel)} cannot be parsed (it is not `, // JSON object / valid YAML (line 1)
      );
      expect(modeOf(home(rel))).toBe(0o600);
    }
    expect(r.stderr.match(/its bytes are kept and put back at logout/g)).toHaveLength(3);
    const docker = JSON.parse(fs.readFileSync(home('.docker/config.json'), 'utf8'));
    expect(Object.keys(docker.auths)).toEqual([new URL(target.url).host]);
    addCanary(JSON.parse(fs.readFileSync(home('.config/fermyon/config.json'), 'utf8')).token);

    const out = await logout();
    expect(out.code).toBe(0);
    for (const [rel, text] of Object.entries(broken)) {
      expect({ rel, text: fs.readFileSync(home(rel), 'utf8'), mode: modeOf(home(rel)) }).toEqual({
        rel,
        text,
        mode: 0o644,
      });
    }
    expect(tree(files.home)).toEqual([
      '.config/',
      '.config/fermyon/',
      '.config/fermyon/config.json',
      '.docker/',
      '.docker/config.json',
      '.kube/',
      '.kube/config',
    ]);
  });

  test('status names a tool file of the target that its tool can no longer read (exit 2), never says all is well', async () => {
    expect((await tokenLogin('spin,docker,kubeconfig', CANARY.token, ['--insecure'])).code).toBe(0);
    expect((await runCli(['status'], { env: env() })).code).toBe(0);
    const cases: Array<[string, string, string]> = [
      [
        '.config/fermyon/config.json',
        'garbage{',
        `The Spin config ${home('.config/fermyon/config.json')} is not a JSON object: fix it or delete it, then log in again.`,
      ],
      [
        '.docker/config.json',
        'nope',
        `The Docker config ${home('.docker/config.json')} is not a JSON object: fix it or delete it, then log in again.`,
      ],
      [
        '.kube/config',
        'clusters: [unclosed\n',
        `The kubeconfig ${home('.kube/config')} is not valid YAML (line 2): fix it or delete it, then log in again.`,
      ],
    ];
    for (const [rel, text, sentence] of cases) {
      const good = fs.readFileSync(home(rel), 'utf8');
      fs.writeFileSync(home(rel), text);
      const r = await runCli(['status'], { env: env() });
      expect({ rel, code: r.code, stderr: r.stderr }).toEqual({
        rel,
        code: 2,
        stderr: `deploy-login status: ${sentence}\n`,
      });
      const json = await runCli(['status', '--json'], { env: env() });
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toEqual({ outcome: 'invalid-input', exitCode: 2, error: sentence });
      fs.writeFileSync(home(rel), good);
    }
    expect((await runCli(['status'], { env: env() })).code).toBe(0);
  });

  test('a failure after the exchange leaves no store and no directory of ours behind', async () => {
    // Docker's directory cannot be made (/proc takes none), which only the write finds: after the
    // exchange, and after spin's file was written.
    const docker = '/proc/deploy-login-test-docker';
    const r = await passwordLogin('spin,docker', [], { DOCKER_CONFIG: docker });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${docker} cannot be created (`);
    expect((await target.log()).map((q) => q.path)).toContain('/oauth/token');
    expect(fs.existsSync(path.dirname(store()))).toBe(false);
    expect(tree(files.home)).toEqual([]);
  });

  test('CLI: logout removes the directories login made in an empty HOME, and only those', async () => {
    fs.mkdirSync(home('.kube'), { mode: 0o755 }); // the user's: stays
    const r = await tokenLogin('spin,docker,kubeconfig', CANARY.token);
    expect(r.code).toBe(0);
    for (const d of ['.config', '.config/fermyon', '.docker']) expect(modeOf(home(d))).toBe(0o700);
    expect((await logout()).code).toBe(0);
    expect(tree(files.home)).toEqual(['.kube/']);
  });

  test('Action: the post step removes the directories main made in an empty HOME', async () => {
    const inputs = {
      url: 'https://deploy.example.com',
      method: 'token',
      token: CANARY.token,
      format: 'spin, docker, kubeconfig',
    };
    const main = await runActionStep('main', files, inputs);
    expect(main.code).toBe(0);
    for (const rel of ['.config/fermyon/config.json', '.docker/config.json', '.kube/config'])
      expect(fs.existsSync(home(rel))).toBe(true);
    const post = await runActionStep('post', files, inputs, { state: main.state });
    expect(post.code).toBe(0);
    expect(tree(files.home)).toEqual([]);
  });

  test("ledgers are not *.json: Spin's environment list in fermyon/ shows only Spin's own files", async () => {
    fs.mkdirSync(home('.config/fermyon'), { recursive: true });
    fs.writeFileSync(home('.config/fermyon/staging.json'), '{"url":"https://s.example.com/","token":"x"}');
    expect((await tokenLogin('spin', CANARY.token)).code).toBe(0);
    expect((await tokenLogin('spin', CANARY.token, ['--target', 'prod'])).code).toBe(0);
    // What `spin cloud login --list` lists: the stem of every regular *.json file in the directory.
    const listed = fs
      .readdirSync(home('.config/fermyon'), { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => e.name)
      .sort();
    expect(listed).toEqual(['config.json', 'prod.json', 'staging.json']);
  });

  test('a username netrc or docker cannot hold is refused before any request (exit 2)', async () => {
    for (const [format, user, message] of [
      ['netrc', 'ci user', /The username contains whitespace or control characters, which a netrc file/],
      ['docker', 'ci:user', /The username "ci:user" contains ":"/],
    ] as const) {
      const r = await runCli(
        ['login', '--url', target.url, '--username', user, '--password-stdin', '--format', format],
        { env: env(), stdin: CANARY.password + '\n' },
      );
      expect({ format, code: r.code }).toEqual({ format, code: 2 });
      expect(r.stderr).toMatch(message);
    }
    expect(await target.log()).toEqual([]);
    expect(fs.existsSync(path.dirname(store()))).toBe(false);
  });

  test('env: a token with a quote reads back exactly in node --env-file and a shell; what no dotenv can hold is refused', async () => {
    const token = `it's-a-token-0123456789`;
    expect((await tokenLogin('env', token)).code).toBe(0);
    const file = path.join(path.dirname(store()), 'default.env');
    const read = (cmd: string, args: string[]) =>
      execFileSync(cmd, args, { encoding: 'utf8', env: baseEnv() }).replace(/\n$/, '');
    expect(read(process.execPath, [`--env-file=${file}`, '-p', 'process.env.DEPLOY_LOGIN_TOKEN'])).toBe(
      token,
    );
    expect(read('sh', ['-c', `set -a; . "${file}"; printf %s "$DEPLOY_LOGIN_TOKEN"`])).toBe(token);

    // A URL with ' and $ is known before the request: refused then, nothing sent.
    const r = await runCli(
      [
        'login',
        '--url',
        `${target.url}/it's$HOME`,
        '--username',
        'ci-deployer',
        '--password-stdin',
        '--format',
        'env',
      ],
      { env: env(), stdin: CANARY.password + '\n' },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/The target URL holds characters a dotenv file cannot carry safely/);
    expect(await target.log()).toEqual([]);
  });
});
