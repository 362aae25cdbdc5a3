/**
 * The Action at its edges, each case run against the bundled dist/ the way a runner
 * runs it (INPUT_* variables, GITHUB_* command files, main then post, the step in the workspace):
 * the CLI launcher lives in a directory the Action creates and the post step removes only that;
 * outputs (and `results` with `targets`) are set on failure too; a `run` command that does not
 * exist, or a multi-line `run`, is refused before anything is sent; tool variables given as
 * relative paths are exported absolute.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addCanary, CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import {
  baseEnv,
  makeRunnerDirs,
  ROOT,
  runActionStep,
  runCli,
  runProcess,
  type ActionResult,
  type RunnerFiles,
} from './helpers/dist';

const DEPLOY = path.join(ROOT, 'dev', 'deploy.mjs');
const errorsOf = (r: ActionResult) => [...r.stdout.matchAll(/^::error::(.*)$/gm)].map((m) => m[1]!);

describe('the bundled Action: what it owns, what it reports when a login fails, what it checks before sending', () => {
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
  const sent = async () => (await target.log()).map((r) => `${r.method} ${r.path}`);
  /** Register the issued token (as a canary) once a step has logged in. */
  const issued = (main: ActionResult) => {
    if (main.outputs.token) addCanary(main.outputs.token);
  };

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

  describe('the CLI launcher lives in a directory the Action created, and only that is removed', () => {
    it.each<[string, (f: RunnerFiles) => string]>([
      ['the workspace', (f) => f.dir],
      ['HOME', (f) => f.home],
    ])(
      'with DEPLOY_LOGIN_CONFIG in %s, its bin/ is neither put on PATH nor deleted',
      async (_where, dirOf) => {
        const files = runner();
        const bin = path.join(dirOf(files), 'bin');
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, 'build.sh'), '#!/bin/sh\necho building\n', { mode: 0o755 });
        const env = { DEPLOY_LOGIN_CONFIG: path.join(dirOf(files), '.deploy-login.json') };
        const main = await runActionStep('main', files, passwordInputs(), { env, cwd: files.dir });
        issued(main);
        expect({ code: main.code, errors: errorsOf(main) }).toEqual({ code: 0, errors: [] });
        expect(main.paths).toHaveLength(1);
        expect(main.paths).not.toContain(bin);
        const launcherDir = main.paths[0]!;
        // Under RUNNER_TEMP, in a directory of its own.
        expect(path.dirname(launcherDir)).toBe(files.runnerTemp);

        // A later step runs `deploy-login` from the PATH entry main added.
        const later = baseEnv({
          ...main.exported,
          HOME: files.home,
          PATH: `${launcherDir}:${process.env.PATH}`,
        });
        const status = await runProcess('deploy-login', ['status', '--json'], { env: later, cwd: files.dir });
        expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
        expect(JSON.parse(status.stdout)).toMatchObject({ target: 'default', outcome: 'success' });

        const post = await runActionStep('post', files, {}, { env, state: main.state, cwd: files.dir });
        expect({ code: post.code, out: post.stdout }).toEqual({
          code: 0,
          out: expect.not.stringMatching(/::warning::/),
        });
        expect(fs.readFileSync(path.join(bin, 'build.sh'), 'utf8')).toBe('#!/bin/sh\necho building\n');
        expect(fs.existsSync(launcherDir)).toBe(false);
        expect(fs.existsSync(env.DEPLOY_LOGIN_CONFIG)).toBe(false);
      },
    );

    it('the post step never removes a directory it did not create, whatever the state names', async () => {
      const files = runner();
      const bin = path.join(files.dir, 'bin');
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'build.sh'), 'echo hi\n');
      fs.writeFileSync(path.join(bin, 'deploy-login'), '#!/bin/sh\n');
      const state = {
        'deploy-login': JSON.stringify({
          storePath: path.join(files.dir, '.deploy-login.json'),
          targets: [],
          binDir: bin,
          cleanup: true,
        }),
      };
      const post = await runActionStep('post', files, {}, { state, cwd: files.dir });
      expect(post.code).toBe(0);
      expect(fs.readdirSync(bin).sort()).toEqual(['build.sh', 'deploy-login']);
    });
  });

  describe('outputs on failure', () => {
    it('exit 3: outcome, exit-code, target and credentials-file are set; no token', async () => {
      const files = runner();
      const main = await runActionStep(
        'main',
        files,
        passwordInputs({ target: 'staging', password: CANARY.clientSecret }),
      );
      expect(main.code).toBe(3);
      expect(main.outputs).toEqual({
        outcome: 'needs-login',
        'exit-code': '3',
        target: 'staging',
        'credentials-file': path.join(files.runnerTemp, 'deploy-login', 'credentials.json'),
      });
      // The job summary says which target failed and why, not an empty table.
      expect(main.summary).toContain('<h3>deploy-login: needs-login</h3>');
      expect(main.summary).toMatch(
        new RegExp(
          `<tr><td>staging</td><td>password</td><td>${target.url}</td><td>-</td><td>-</td><td>needs-login</td></tr>`,
        ),
      );
      expect(main.summary).toMatch(/<p>the token endpoint rejected the credentials .*<\/p>/);
    });

    it('a bad input before any target is known: the summary says why, with no empty table', async () => {
      const main = await runActionStep('main', runner(), { url: target.url, method: 'carrier-pigeon' });
      expect(main.code).toBe(2);
      expect(main.summary).toContain('<h3>deploy-login: invalid-input</h3>');
      expect(main.summary).not.toContain('<table>');
      expect(main.summary).toMatch(/<p>.*carrier-pigeon/);
    });

    it('exit 2 (a bad input): credentials-file and a valid target name are still set', async () => {
      const files = runner();
      const main = await runActionStep('main', files, passwordInputs({ insecure: 'yes' }));
      expect(main.code).toBe(2);
      expect(main.outputs).toMatchObject({
        outcome: 'invalid-input',
        'exit-code': '2',
        target: 'default',
        'credentials-file': path.join(files.runnerTemp, 'deploy-login', 'credentials.json'),
      });
      expect(await sent()).toEqual([]);
    });

    it('with `targets`, `results` is a JSON array even when the list itself is refused', async () => {
      const cases: Array<[string, Record<string, string>, RegExp]> = [
        ['an empty list', { targets: '[]' }, /`targets`/],
        [
          'invalid YAML',
          { targets: `- target: a\n  password: ${CANARY.password}: oops: no\n` },
          /not valid YAML/,
        ],
        ['an unknown key', { targets: `- target: a\n  url: ${target.url}\n  registry: x\n` }, /unknown key/],
        [
          'url together with targets',
          { targets: `- url: ${target.url}\n`, url: target.url },
          /`url` and `targets`/,
        ],
        ['a bad shared input', { targets: `- url: ${target.url}\n`, cleanup: 'yes' }, /`cleanup`/],
      ];
      for (const [what, inputs, message] of cases) {
        const files = runner();
        const main = await runActionStep('main', files, inputs);
        expect({ what, code: main.code, results: main.outputs.results }).toEqual({
          what,
          code: 2,
          results: '[]',
        });
        expect(JSON.parse(main.outputs.results!)).toEqual([]);
        expect(main.outputs['credentials-file']).toBe(
          path.join(files.runnerTemp, 'deploy-login', 'credentials.json'),
        );
        expect(errorsOf(main).join('\n')).toMatch(message);
      }
      expect(await sent()).toEqual([]);
    });
  });

  describe("the deploy command's environment", () => {
    // A `run:` step of the job never sees the action's inputs; the command this step starts must
    // not either: it gets the issued token, not the password or the `targets` list's secrets.
    const listInputs = `"${process.execPath}" -e "console.log('inputs=' + Object.keys(process.env).filter((k) => k.startsWith('INPUT_')).join(',') + ' token=' + Boolean(process.env.DEPLOY_LOGIN_TOKEN))"`;

    it('one target: no INPUT_* variable (the password), but the token', async () => {
      const main = await runActionStep('main', runner(), passwordInputs({ run: listInputs }));
      issued(main);
      expect(main.code).toBe(0);
      expect(main.stdout).toContain('inputs= token=true');
    });

    it('with `targets`: no INPUT_TARGETS (every inline secret) either', async () => {
      const targets = `- target: a\n  url: ${target.url}\n  username: ci-deployer\n  password: ${CANARY.password}\n`;
      const main = await runActionStep('main', runner(), { targets, run: listInputs });
      expect(main.code).toBe(0);
      expect(main.stdout).toContain('inputs= token=true');
    });
  });

  describe('a `run` command is checked before anything is sent', () => {
    it('exit 2 for a command not on PATH: no request, no store (the CLI alone is on PATH)', async () => {
      const files = runner();
      const main = await runActionStep('main', files, passwordInputs({ run: 'no-such-cmd-xyz --now' }));
      issued(main);
      expect(main.code).toBe(2);
      expect(main.outputs).toMatchObject({ outcome: 'invalid-input', 'exit-code': '2' });
      expect(errorsOf(main)).toEqual(['run: the command "no-such-cmd-xyz" was not found on PATH.']);
      expect(await sent()).toEqual([]);
      expect(fs.existsSync(path.join(files.runnerTemp, 'deploy-login', 'credentials.json'))).toBe(false);
      expect(main.paths.map((p) => fs.readdirSync(p))).toEqual([['deploy-login']]);
    });

    it('exit 2 for a path that is not an executable file, with `targets` too', async () => {
      const files = runner();
      fs.mkdirSync(path.join(files.dir, 'bin'));
      fs.writeFileSync(path.join(files.dir, 'bin', 'deploy.sh'), 'echo hi\n', { mode: 0o644 });
      const single = await runActionStep('main', files, passwordInputs({ run: './bin/deploy.sh' }), {
        cwd: files.dir,
      });
      issued(single);
      expect(single.code).toBe(2);
      expect(errorsOf(single)).toEqual(['run: "./bin/deploy.sh" is not an executable file.']);
      const many = await runActionStep(
        'main',
        runner(),
        {
          targets: `- url: ${target.url}\n  username: ci-deployer\n  password: ${CANARY.password}\n`,
          run: 'no-such-cmd-xyz',
        },
        { cwd: files.dir },
      );
      issued(many);
      expect({ code: many.code, results: many.outputs.results }).toEqual({ code: 2, results: '[]' });
      expect(await sent()).toEqual([]);
    });

    it('`run: deploy-login ...` still finds the CLI the Action puts on PATH', async () => {
      const files = runner();
      const main = await runActionStep('main', files, passwordInputs({ run: 'deploy-login status --json' }));
      issued(main);
      expect({ code: main.code, errors: errorsOf(main) }).toEqual({ code: 0, errors: [] });
      expect(main.stdout).toMatch(/"target":\s*"default"/);
      await runActionStep('post', files, {}, { state: main.state });
    });

    it('the CLI: `run --relogin` with a missing command exits 2 before logging in', async () => {
      const files = runner();
      const env = baseEnv({
        HOME: files.home,
        DEPLOY_LOGIN_URL: target.url,
        DEPLOY_LOGIN_USERNAME: 'ci-deployer',
        DEPLOY_LOGIN_PASSWORD: CANARY.password,
      });
      const r = await runCli(['run', '--relogin', '--', 'no-such-cmd-xyz'], { env });
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 2,
        stderr: 'deploy-login run: run: the command "no-such-cmd-xyz" was not found on PATH.\n',
      });
      expect(await sent()).toEqual([]);
      expect(fs.existsSync(path.join(files.home, '.config', 'deploy-login', 'credentials.json'))).toBe(false);
    });
  });

  describe('a multi-line `run`', () => {
    it('is refused (exit 2, nothing sent) when it holds two commands', async () => {
      const files = runner();
      const main = await runActionStep('main', files, passwordInputs({ run: 'echo first\necho second' }));
      issued(main);
      expect(main.code).toBe(2);
      const errors = errorsOf(main);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^`run` .*one command per step.*script/);
      expect(await sent()).toEqual([]);
    });

    it('runs a block with a backslash-continued line and a trailing newline (YAML `run: |`)', async () => {
      const files = runner();
      const run = `"${process.execPath}" "${DEPLOY}" \\\n  --url ${target.url}\n\n`;
      const main = await runActionStep('main', files, passwordInputs({ run }));
      issued(main);
      expect({ code: main.code, errors: errorsOf(main) }).toEqual({ code: 0, errors: [] });
      expect(main.stdout).toContain('deploy: deployed demo-app (HTTP 200)');
      await runActionStep('post', files, {}, { state: main.state });
    });
  });

  it('exports relative tool variables as absolute paths, where the files were written', async () => {
    const files = runner();
    const env = {
      DOCKER_CONFIG: 'rel/docker',
      NPM_CONFIG_USERCONFIG: 'rel/npmrc',
      KUBECONFIG: 'rel/kube/config:other/kubeconfig',
      NETRC: 'rel/netrc',
    };
    const main = await runActionStep(
      'main',
      files,
      passwordInputs({ format: 'docker,npmrc,kubeconfig,netrc' }),
      {
        env,
        cwd: files.dir,
      },
    );
    issued(main);
    expect({ code: main.code, errors: errorsOf(main) }).toEqual({ code: 0, errors: [] });
    const ws = (p: string) => path.join(files.dir, p);
    expect({
      DOCKER_CONFIG: main.exported.DOCKER_CONFIG,
      NPM_CONFIG_USERCONFIG: main.exported.NPM_CONFIG_USERCONFIG,
      KUBECONFIG: main.exported.KUBECONFIG,
      NETRC: main.exported.NETRC,
    }).toEqual({
      DOCKER_CONFIG: ws('rel/docker'),
      NPM_CONFIG_USERCONFIG: ws('rel/npmrc'),
      KUBECONFIG: `${ws('rel/kube/config')}:${ws('other/kubeconfig')}`,
      NETRC: ws('rel/netrc'),
    });
    for (const f of ['rel/docker/config.json', 'rel/npmrc', 'rel/kube/config', 'rel/netrc'])
      expect([f, fs.existsSync(ws(f))]).toEqual([f, true]);
    const post = await runActionStep('post', files, {}, { env, state: main.state, cwd: files.dir });
    expect(post.code).toBe(0);
  });
});
