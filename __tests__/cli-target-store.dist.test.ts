/**
 * Target names and the store's file and directory, as the bundled CLI treats them: a bad --target or DEPLOY_LOGIN_TARGET is bad input (exit 2) on every command,
 * never "default" and never "needs login"; a symlinked store is never replaced; the store's
 * directory is kept private; a store written by hand to the contract's shape reads.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { baseEnv, modeOf, runCli, runCliPasswordLogin, type ProcResult } from './helpers/dist';

const outcome = (r: ProcResult) => ({ code: r.code, stderr: r.stderr });
/** One line, one sentence: "deploy-login CMD: ... LABEL ... ." */
const oneSentence = (command: string, label: string) =>
  expect.stringMatching(
    new RegExp(
      `^deploy-login ${command}: [^\\n]*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\n]*\\.\\n$`,
    ),
  );

describe('the bundled CLI: target names and the store', () => {
  let target: DevTarget;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const configDir = () => path.join(home, '.config');
  const storeFile = () => path.join(configDir(), 'deploy-login', 'credentials.json');
  const spinFile = () => path.join(configDir(), 'fermyon', 'config.json');
  const loginToken = (args: string[], extra: NodeJS.ProcessEnv = {}, token: string = CANARY.token) =>
    runCli(['login', '--url', 'https://deploy.example.com', '--token-stdin', ...args], {
      env: { ...env, ...extra },
      stdin: token + '\n',
    });

  beforeAll(async () => {
    target = await startDevTarget([], { DEV_TARGET_PASSWORD: CANARY.password });
  });
  afterAll(async () => {
    await target?.close();
  });
  beforeEach(async () => {
    await target.resetControl();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-names-'));
    env = baseEnv({ HOME: home });
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  describe('target names', () => {
    it.each([
      ['empty', ''],
      ['padded', ' staging '],
      ['blank', ' '],
    ])(
      'login refuses an explicitly %s --target (exit 2): the "default" credential and its Spin file stay, nothing is sent',
      async (_what, name) => {
        expect(outcome(await loginToken(['--format', 'spin']))).toEqual({
          code: 0,
          stderr: expect.any(String),
        });
        const store = fs.readFileSync(storeFile());
        const spin = fs.readFileSync(spinFile());

        const overwrite = await loginToken(['--target', name, '--format', 'spin'], {}, 'other-token');
        expect(outcome(overwrite)).toEqual({ code: 2, stderr: oneSentence('login', '--target') });
        const password = await runCli(
          ['login', '--url', target.url, '--username', 'ci-deployer', '--password-stdin', `--target=${name}`],
          { env, stdin: CANARY.password + '\n' },
        );
        expect(outcome(password)).toEqual({ code: 2, stderr: oneSentence('login', '--target') });

        expect(fs.readFileSync(storeFile())).toEqual(store);
        expect(fs.readFileSync(spinFile())).toEqual(spin);
        expect(await target.log()).toEqual([]);
      },
    );

    it.each([
      ['status', ['status']],
      ['status', ['status', '--json']],
      ['token', ['token']],
      ['env', ['env']],
      ['refresh', ['refresh']],
      ['run', ['run', '--relogin', '--', process.execPath, '-e', 'process.exit(0)']],
      ['logout', ['logout']],
    ])('%s refuses an invalid --target as bad input (exit 2), not "needs login"', async (command, args) => {
      expect((await loginToken([])).code).toBe(0);
      const store = fs.readFileSync(storeFile());
      const dash = args.indexOf('--');
      const own = dash < 0 ? args : args.slice(0, dash);
      const rest = dash < 0 ? [] : args.slice(dash);
      for (const name of ['../x', '', 'default ']) {
        const r = await runCli([...own, '--target', name, ...rest], {
          env: { ...env, DEPLOY_LOGIN_URL: target.url },
        });
        expect(outcome(r)).toEqual({ code: 2, stderr: oneSentence(command, '--target') });
      }
      expect(fs.readFileSync(storeFile())).toEqual(store);
    });

    it.each([
      ['status', ['status']],
      ['token', ['token']],
      ['env', ['env']],
      ['refresh', ['refresh']],
      ['run', ['run', '--', process.execPath, '-e', 'process.exit(0)']],
      ['logout', ['logout']],
      ['login', ['login', '--url', 'https://deploy.example.com', '--token-stdin']],
    ])('%s refuses an invalid DEPLOY_LOGIN_TARGET, naming the variable (exit 2)', async (command, args) => {
      expect((await loginToken([])).code).toBe(0);
      const store = fs.readFileSync(storeFile());
      const r = await runCli(args, {
        env: { ...env, DEPLOY_LOGIN_TARGET: '../x' },
        stdin: command === 'login' ? 'other-token\n' : undefined,
      });
      expect(outcome(r)).toEqual({ code: 2, stderr: oneSentence(command, 'DEPLOY_LOGIN_TARGET') });
      expect(fs.readFileSync(storeFile())).toEqual(store);
    });

    it('reads an empty DEPLOY_LOGIN_TARGET as unset, like the other DEPLOY_LOGIN_* fallbacks', async () => {
      expect((await loginToken([], { DEPLOY_LOGIN_TARGET: '' })).code).toBe(0);
      const r = await runCli(['status', '--json'], { env: { ...env, DEPLOY_LOGIN_TARGET: '' } });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ target: 'default', state: 'valid' });
    });
  });

  describe('argument mistakes: one sentence, the command named once', () => {
    it.each([
      [['use'], 'use', 'Give exactly one target name, e.g. deploy-login use staging.'],
      [
        ['use', '../x'],
        'use',
        `The target name "../x" is not a valid target name: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
      ],
      [['logout', '--all', '--target', 'x'], 'logout', 'Use either --target or --all, not both.'],
      [['run'], 'run', 'Give the deploy command after "--", e.g. deploy-login run -- spin deploy.'],
      [
        ['run', '--timeout', '-1', '--', 'true'],
        'run',
        `Option '--timeout' argument is ambiguous (a value that starts with "-" is written --timeout=VALUE); see "deploy-login run --help".`,
      ],
      [
        ['login', '--insecure=true', '--url', 'https://deploy.example.com'],
        'login',
        `Option '--insecure' does not take an argument (give --insecure alone for true, leave it out for false); see "deploy-login login --help".`,
      ],
    ])('%j', async (args, command, sentence) => {
      const r = await runCli(args, { env });
      expect(outcome(r)).toEqual({ code: 2, stderr: `deploy-login ${command}: ${sentence}\n` });
      expect(fs.existsSync(path.dirname(storeFile()))).toBe(false);
    });
  });

  it.each([
    ['DEPLOY_LOGIN_URL', { DEPLOY_LOGIN_TOKEN: CANARY.token }, []],
    ['HIPPO_URL', { HIPPO_USERNAME: 'u', HIPPO_PASSWORD: CANARY.password }, ['--protocol', 'fermyon']],
    ['CLOUD_URL', { SPIN_AUTH_TOKEN: CANARY.token }, ['--protocol', 'fermyon']],
  ])('a bad URL from the environment is named by its variable: %s', async (variable, vars, args) => {
    const r = await runCli(['login', ...args], { env: { ...env, ...vars, [variable]: 'not a url' } });
    expect(outcome(r)).toEqual({
      code: 2,
      stderr: `deploy-login login: ${variable} "not a url" is not a URL: give an absolute URL such as https://deploy.example.com.\n`,
    });
  });

  describe('the store file and its directory', () => {
    it('refuses a store that is a symlink to a file that is not JSON: never moved aside, never replaced', async () => {
      const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-victim-'));
      try {
        const victim = path.join(elsewhere, 'victim.txt');
        fs.writeFileSync(victim, 'not a store\n');
        fs.mkdirSync(path.dirname(storeFile()), { recursive: true, mode: 0o700 });
        fs.symlinkSync(victim, storeFile());

        const r = await loginToken([]);
        expect(outcome(r)).toEqual({
          code: 2,
          stderr: `deploy-login login: ${storeFile()} is a symlink; deploy-login never writes credentials through a symlink: remove it.\n`,
        });
        expect(fs.lstatSync(storeFile()).isSymbolicLink()).toBe(true);
        expect(fs.readlinkSync(storeFile())).toBe(victim);
        expect(fs.readFileSync(victim, 'utf8')).toBe('not a store\n');
        expect(fs.readdirSync(path.dirname(storeFile()))).toEqual(['credentials.json']);
      } finally {
        fs.rmSync(elsewhere, { recursive: true, force: true });
      }
    });

    describe('a path the login could not write is found before anything is sent (exit 2)', () => {
      const loginPassword = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
        runCliPasswordLogin(target.url, args, { ...env, ...extra });
      const nothingSent = async () => expect(await target.log()).toEqual([]);

      it('a symlinked Spin config: refused, the link and what it leads to untouched', async () => {
        const elsewhere = path.join(home, 'elsewhere.json');
        fs.writeFileSync(elsewhere, '{}\n');
        fs.mkdirSync(path.dirname(spinFile()), { recursive: true });
        fs.symlinkSync(elsewhere, spinFile());
        expect(outcome(await loginPassword(['--format', 'spin']))).toEqual({
          code: 2,
          stderr: `deploy-login login: ${spinFile()} is a symlink; deploy-login never writes credentials through a symlink: remove it.\n`,
        });
        await nothingSent();
        expect(fs.readFileSync(elsewhere, 'utf8')).toBe('{}\n');
        expect(fs.existsSync(storeFile())).toBe(false);
      });

      it('a file where the store directory should be', async () => {
        const blocker = path.join(home, 'blocker');
        fs.writeFileSync(blocker, '');
        const store = path.join(blocker, 'deploy-login', 'credentials.json');
        expect(outcome(await loginPassword([], { DEPLOY_LOGIN_CONFIG: store }))).toEqual({
          code: 2,
          stderr: `deploy-login login: ${path.dirname(store)} cannot be created: part of its path is a file: move it away.\n`,
        });
        await nothingSent();
      });

      it('a file where a tool file directory should be (KUBECONFIG under a file)', async () => {
        const blocker = path.join(home, 'blocker');
        fs.writeFileSync(blocker, '');
        const kube = path.join(blocker, 'config');
        const r = await loginPassword(['--format', 'kubeconfig', '--insecure'], { KUBECONFIG: kube });
        expect(outcome(r)).toEqual({
          code: 2,
          stderr: `deploy-login login: ${blocker} cannot be created: part of its path is a file: move it away.\n`,
        });
        await nothingSent();
        expect(fs.existsSync(storeFile())).toBe(false);
      });

      it('a dangling symlink in the store path: refused before sending', async () => {
        fs.symlinkSync(path.join(home, 'nowhere'), path.join(home, 'D'));
        const store = path.join(home, 'D', 'sub', 'credentials.json');
        expect(outcome(await loginPassword([], { DEPLOY_LOGIN_CONFIG: store }))).toEqual({
          code: 2,
          stderr: `deploy-login login: ${path.dirname(store)} cannot be created (part of its path leads nowhere, or its file system takes no new directories): check the path.\n`,
        });
        await nothingSent();
        expect(fs.existsSync(path.join(home, 'nowhere'))).toBe(false);
      });

      it('a store directory its file system will not create (/proc): exit 2 at once after the exchange, never a spin', async () => {
        const store = '/proc/deploy-login-nope/credentials.json';
        const r = await runCliPasswordLogin(
          target.url,
          [],
          { ...env, DEPLOY_LOGIN_CONFIG: store },
          { timeoutMs: 10_000 },
        );
        expect(outcome(r)).toEqual({
          code: 2,
          stderr: `deploy-login login: /proc/deploy-login-nope cannot be created (part of its path leads nowhere, or its file system takes no new directories): check the path.\n`,
        });
      });

      it('logout and use with no store change nothing and leave no directory in HOME', async () => {
        for (const store of [undefined, '/proc/deploy-login-nope/credentials.json']) {
          const e = store ? { ...env, DEPLOY_LOGIN_CONFIG: store } : env;
          expect(outcome(await runCli(['logout'], { env: e, timeoutMs: 10_000 }))).toEqual({
            code: 0,
            stderr: 'Nothing to log out of.\n',
          });
          expect(outcome(await runCli(['use', 'x'], { env: e, timeoutMs: 10_000 }))).toEqual({
            code: 2,
            stderr: 'deploy-login use: There is no stored target "x": "deploy-login targets" lists them.\n',
          });
        }
        expect(fs.readdirSync(home)).toEqual([]);
      });

      it('a directory where the store file should be', async () => {
        fs.mkdirSync(storeFile(), { recursive: true });
        expect(outcome(await loginPassword([]))).toEqual({
          code: 2,
          stderr: `deploy-login login: ${storeFile()} cannot be written (it is a directory): check the path and its permissions.\n`,
        });
        await nothingSent();
      });
    });

    it('still replaces a corrupt regular store file, with a warning that names it', async () => {
      fs.mkdirSync(path.dirname(storeFile()), { recursive: true, mode: 0o700 });
      fs.writeFileSync(storeFile(), 'not a store\n');
      const r = await loginToken([]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        `warning: The credential store ${storeFile()} cannot be read (it is not valid JSON)`,
      );
      expect(
        fs.readdirSync(path.dirname(storeFile())).some((f) => f.startsWith('credentials.json.corrupt-')),
      ).toBe(true);
    });

    it.each([
      ['$XDG_CONFIG_HOME/deploy-login', (h: string) => ({ XDG_CONFIG_HOME: path.join(h, 'xdg') }), 'xdg'],
      [
        '$RUNNER_TEMP/deploy-login',
        (h: string) => ({ GITHUB_ACTIONS: 'true', RUNNER_TEMP: path.join(h, 'runner-temp') }),
        'runner-temp',
      ],
    ])(
      'makes its own default store directory (%s) private when it already exists open',
      async (_w, extra, base) => {
        const dir = path.join(home, base, 'deploy-login');
        fs.mkdirSync(dir, { recursive: true });
        fs.chmodSync(dir, 0o755);
        const r = await loginToken([], extra(home));
        expect(outcome(r)).toEqual({ code: 0, stderr: expect.not.stringContaining('warning') });
        expect(modeOf(path.join(dir, 'credentials.json'))).toBe(0o600);
        expect(modeOf(dir)).toBe(0o700);
        // The parent is not ours: left as it was.
        expect(modeOf(path.join(home, base))).toBe(0o755 & ~process.umask());
      },
    );

    it('leaves a DEPLOY_LOGIN_CONFIG directory open to others as it is, and says so once, naming it and the fix', async () => {
      const dir = path.join(home, 'shared');
      fs.mkdirSync(dir);
      fs.chmodSync(dir, 0o755);
      const store = path.join(dir, 'creds.json');
      const r = await runCli(
        ['login', '--url', 'https://deploy.example.com', '--token-stdin', '--format', 'spin'],
        { env: { ...env, DEPLOY_LOGIN_CONFIG: store }, stdin: CANARY.token + '\n' },
      );
      expect(r.code).toBe(0);
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
      expect(warnings).toEqual([
        `warning: The credential store's directory ${dir} is open to other users (mode 0755), and deploy-login leaves the mode of a directory chosen with DEPLOY_LOGIN_CONFIG alone: run "chmod 700 '${dir}'".`,
      ]);
      expect(modeOf(dir)).toBe(0o755);
      expect(modeOf(store)).toBe(0o600);

      // Several targets, one at a time (a store write each): still one warning.
      const list = path.join(home, 'targets.yml');
      fs.writeFileSync(
        list,
        ['a', 'b', 'c']
          .map(
            (t) =>
              `- target: ${t}\n  url: https://${t}.example.com\n  method: token\n  token-env: DEPLOY_LOGIN_TOKEN\n`,
          )
          .join(''),
      );
      const many = await runCli(['login', '--targets-file', list, '--concurrency', '1'], {
        env: { ...env, DEPLOY_LOGIN_CONFIG: store, DEPLOY_LOGIN_TOKEN: CANARY.token },
      });
      expect(many.code).toBe(0);
      expect(many.stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual(warnings);
      expect(modeOf(dir)).toBe(0o755);

      // A private one: no warning.
      fs.chmodSync(dir, 0o700);
      const quiet = await runCli(['logout'], { env: { ...env, DEPLOY_LOGIN_CONFIG: store } });
      expect(outcome(quiet)).toEqual({ code: 0, stderr: expect.not.stringContaining('warning') });
    });

    it('reads a store written by hand to the contract\'s shape (no "protocol", no "method") as a stored oauth2 token', async () => {
      fs.mkdirSync(path.dirname(storeFile()), { recursive: true, mode: 0o700 });
      fs.writeFileSync(
        storeFile(),
        JSON.stringify({
          version: 1,
          current: 'a',
          targets: { a: { url: 'https://deploy.example.com', token: CANARY.token, insecure: false } },
        }),
        { mode: 0o600 },
      );
      const status = await runCli(['status', '--json'], { env });
      expect(outcome(status)).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(status.stdout)).toMatchObject({
        target: 'a',
        state: 'valid',
        protocol: 'oauth2',
        method: 'token',
        url: 'https://deploy.example.com',
      });
      const token = await runCli(['token'], { env, allowCanaries: true });
      expect({ code: token.code, stdout: token.stdout }).toEqual({ code: 0, stdout: `${CANARY.token}\n` });
      expect((await runCli(['targets', '--json'], { env })).code).toBe(0);
    });

    it.each([
      ['an unknown protocol', { protocol: 'ftp' }, '"protocol"'],
      ['a null method', { method: null }, '"method"'],
      ['method "auto"', { method: 'auto' }, '"method"'],
      ['a string "insecure"', { insecure: 'no' }, '"insecure"'],
    ])('still refuses a hand-written entry with %s (exit 2, naming the field)', async (_w, fields, named) => {
      fs.mkdirSync(path.dirname(storeFile()), { recursive: true, mode: 0o700 });
      const entry = {
        url: 'https://deploy.example.com',
        token: 'x',
        protocol: 'oauth2',
        method: 'token',
        insecure: false,
        ...fields,
      };
      fs.writeFileSync(storeFile(), JSON.stringify({ version: 1, current: 'a', targets: { a: entry } }));
      const r = await runCli(['status'], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`The credential store ${storeFile()} cannot be read (target "a"`);
      expect(r.stderr).toContain(named);
    });
  });
});
