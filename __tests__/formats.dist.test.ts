/**
 * The credential files end to end through the BUILT CLI and Action: a HOME whose docker, npm,
 * netrc and kubectl files already hold other entries; login merges ours in (0600), logout / the
 * post step puts every file back byte for byte and leaves nothing of ours behind. A `token` login
 * needs no server, so this suite is fast; the real tools reading these files are in peers.*.test.ts.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addCanary, CANARY } from './helpers/canary';
import { baseEnv, makeRunnerDirs, modeOf, runActionJob, runCli, type RunnerFiles } from './helpers/dist';
import { which } from './peers/common';

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

/** Other people's entries, in each tool's own style. */
const SEEDS: Record<string, string> = {
  '.docker/config.json':
    '{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "bWU6cGF0"\n\t\t}\n\t},\n\t"credHelpers": {\n\t\t"gcr.io": "gcloud"\n\t}\n}',
  '.npmrc': '; mine\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nfund=false\n',
  '.netrc': 'machine git.example.com login me password pat\n\ndefault login anonymous password x@y\n',
  '.kube/config':
    'apiVersion: v1\nclusters:\n- cluster:\n    server: https://dev:6443\n  name: dev\ncontexts:\n- context:\n    cluster: dev\n    user: dev\n  name: dev\ncurrent-context: dev\nkind: Config\npreferences: {}\nusers:\n- name: dev\n  user:\n    token: dev-token\n',
};

function seed(home: string): void {
  for (const [rel, text] of Object.entries(SEEDS)) {
    fs.mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
    fs.writeFileSync(path.join(home, rel), text, { mode: 0o644 });
  }
}

/** Every seeded file is back exactly, and no file of ours (a ledger, a temp file) stays beside it. */
function expectRestored(home: string): void {
  for (const [rel, text] of Object.entries(SEEDS)) {
    expect({ rel, text: fs.readFileSync(path.join(home, rel), 'utf8') }).toEqual({ rel, text });
  }
  expect(fs.readdirSync(path.join(home, '.docker'))).toEqual(['config.json']);
  expect(fs.readdirSync(path.join(home, '.kube'))).toEqual(['config']);
  expect(
    fs
      .readdirSync(home)
      .filter((f) => /netrc|npmrc/.test(f))
      .sort(),
  ).toEqual(['.netrc', '.npmrc']);
}

describe('CLI: login / logout on pre-populated files', () => {
  let files: RunnerFiles;
  beforeEach(() => {
    files = makeRunnerDirs();
    seed(files.home);
  });
  afterEach(() => fs.rmSync(files.dir, { recursive: true, force: true }));
  const env = () =>
    baseEnv({ HOME: files.home, DEPLOY_LOGIN_CONFIG: path.join(files.dir, 'store', 'credentials.json') });
  const login = (target: string, token: string, extra: string[] = []) =>
    runCli(
      [
        'login',
        '--target',
        target,
        '--url',
        `https://${target}.example.com`,
        '--method',
        'token',
        '--token-stdin',
        '--format',
        'docker,npmrc,netrc,kubeconfig',
        // PEM text starts with "-": parseArgs wants it as --kube-ca-data=...; base64 needs nothing.
        `--kube-ca-data=${CA_PEM}`,
        ...extra,
      ],
      { env: env(), stdin: token },
    );

  test('one target: all four files merged 0600, then restored byte for byte', async () => {
    const r = await login('prod', CANARY.token, ['--username', 'ci-bot', '--kube-namespace', 'apps']);
    expect(r.code).toBe(0);
    const h = files.home;
    const docker = JSON.parse(fs.readFileSync(path.join(h, '.docker/config.json'), 'utf8'));
    expect(docker.auths['prod.example.com']).toEqual({
      auth: Buffer.from(`ci-bot:${CANARY.token}`).toString('base64'),
    });
    expect(docker.auths['ghcr.io']).toEqual({ auth: 'bWU6cGF0' });
    expect(fs.readFileSync(path.join(h, '.npmrc'), 'utf8')).toBe(
      `${SEEDS['.npmrc']}//prod.example.com/:_authToken=${CANARY.token}\n`,
    );
    expect(fs.readFileSync(path.join(h, '.netrc'), 'utf8')).toBe(
      SEEDS['.netrc']!.replace(
        'default',
        `machine prod.example.com login ci-bot password ${CANARY.token}\ndefault`,
      ),
    );
    const kube = fs.readFileSync(path.join(h, '.kube/config'), 'utf8');
    expect(kube).toContain('current-context: dev\n');
    expect(kube).toMatch(
      /- name: prod\n {2}context:\n {4}cluster: deploy-login-prod\n {4}user: deploy-login-prod\n {4}namespace: apps/,
    );
    for (const rel of Object.keys(SEEDS)) expect(modeOf(path.join(h, rel))).toBe(0o600);
    // the credHelpers entry for another registry does not shadow ours: no warning
    expect(r.stderr).not.toMatch(/warning/);

    const out = await runCli(['logout', '--target', 'prod'], { env: env() });
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/undid 4 file change/);
    expectRestored(h);
    // The original bytes come back with their mode (seeded 0644), not ours (0600).
    for (const rel of Object.keys(SEEDS))
      expect({ rel, mode: modeOf(path.join(h, rel)) }).toEqual({ rel, mode: 0o644 });
  });

  test('two targets share each file; logging out in either order restores every byte', async () => {
    for (const order of [
      ['a', 'b'],
      ['b', 'a'],
    ]) {
      seed(files.home);
      const [ta, tb] = ['tok-a-0123456789', 'tok-b-0123456789'];
      expect((await login('a', ta)).code).toBe(0);
      expect((await login('b', tb)).code).toBe(0);
      const npmrc = fs.readFileSync(path.join(files.home, '.npmrc'), 'utf8');
      expect(npmrc).toContain(`//a.example.com/:_authToken=${ta}`);
      expect(npmrc).toContain(`//b.example.com/:_authToken=${tb}`);
      for (const t of order) expect((await runCli(['logout', '--target', t!], { env: env() })).code).toBe(0);
      expectRestored(files.home);
    }
  });

  test('two targets in a fresh HOME: logging out in login order leaves none of the directories the first made', async () => {
    for (const rel of Object.keys(SEEDS))
      fs.rmSync(path.join(files.home, rel.split('/')[0]!), { recursive: true });
    const before = fs.readdirSync(files.home).sort();
    expect((await login('a', 'tok-a-0123456789')).code).toBe(0);
    expect((await login('b', 'tok-b-0123456789')).code).toBe(0);
    expect(fs.readdirSync(files.home)).toEqual(expect.arrayContaining(['.docker', '.kube']));
    for (const t of ['a', 'b'])
      expect((await runCli(['logout', '--target', t], { env: env() })).code).toBe(0);
    expect(fs.readdirSync(files.home).sort()).toEqual(before);
  });

  test('spin: a target name whose file Spin already owns is refused before anything is sent (exit 2)', async () => {
    for (const [name, file] of [
      ['config', 'config'],
      ['registry-auth', 'registry-auth'],
      // macOS's and Windows's file systems take Config.json for config.json.
      ['Config', 'config'],
    ]) {
      const r = await runCli(
        [
          'login',
          '--target',
          name,
          '--url',
          'https://x.example.com',
          '--method',
          'token',
          '--token-stdin',
          '--format',
          'spin',
        ],
        { env: env(), stdin: CANARY.token },
      );
      expect({ name, code: r.code }).toEqual({ name, code: 2 });
      expect(r.stderr).toContain(
        `The target name "${name}" cannot be used with format spin: fermyon/${file}.json is `,
      );
    }
    expect(fs.existsSync(path.join(files.home, '.config', 'fermyon'))).toBe(false);
    expect(fs.existsSync(path.join(files.dir, 'store'))).toBe(false);
  });

  test('bad tool options are refused before anything is written, naming the flag (exit 2)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['--kube-ca-file', path.join(files.dir, 'nope.crt')],
        /^deploy-login login: --kube-ca-file .*nope\.crt cannot be read \(ENOENT\)\.$/m,
      ],
      [
        ['--kube-namespace', 'Not_A_Namespace'],
        /--kube-namespace "Not_A_Namespace" is not a Kubernetes namespace name/,
      ],
      [['--package', 'Bad Name'], /--package "Bad Name" is not an npm package name/],
      [['--npm-registry', 'ftp://x'], /--npm-registry must start with https:\/\//],
      [['--netrc-machine', 'a b'], /--netrc-machine "a b" is not a host name/],
    ];
    for (const [extra, re] of cases) {
      const r = await login('bad', CANARY.token, extra);
      expect({ extra, code: r.code }).toEqual({ extra, code: 2 });
      expect(r.stderr).toMatch(re);
    }
    expectRestored(files.home);
  });

  test('a token that a line-based file cannot hold is refused, and nothing stays half-written', async () => {
    const r = await login('ws', 'token with spaces inside');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/contains whitespace or control characters/);
    expect(r.stderr).not.toContain('with spaces');
    expectRestored(files.home);
  });

  // kubectl rewrites the whole kubeconfig in its own key order whenever it writes it: our entry,
  // merely re-serialised, must still be taken out at logout (it holds the token).
  (which('kubectl') ? test : test.skip)(
    'kubectl rewrites the kubeconfig after login (use-context): logout still takes our entry and token out',
    async () => {
      const kubeconfig = path.join(files.home, '.kube/config');
      const kc = (args: string[]) =>
        execFileSync(which('kubectl')!, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
      const w = await runCli(
        [
          'login',
          '--target',
          'prod',
          '--url',
          'https://prod.example.com',
          '--method',
          'token',
          '--format',
          'kubeconfig',
        ],
        { env: { ...env(), DEPLOY_LOGIN_TOKEN: CANARY.token }, stdin: '' },
      );
      expect(w.code).toBe(0);
      kc(['config', 'use-context', 'prod']);
      const rewritten = fs.readFileSync(kubeconfig, 'utf8');
      expect(rewritten).toContain(CANARY.token);
      // kubectl's key order now, not ours (we write `- name:` first)
      expect(rewritten).toMatch(
        /^- cluster:\n {4}server: https:\/\/prod\.example\.com\n {2}name: deploy-login-prod$/m,
      );
      const out = await runCli(['logout', '--target', 'prod'], { env: env() });
      expect(out.code).toBe(0);
      const after = fs.readFileSync(kubeconfig, 'utf8');
      expect(after).not.toContain(CANARY.token);
      expect(after).not.toContain('deploy-login-prod');
      // Everything else is still there and kubectl still reads the file.
      expect(kc(['config', 'get-contexts', '-o', 'name']).trim().split('\n')).toEqual(['dev']);
      expect(after).not.toMatch(/^current-context: prod$/m);
    },
  );
});

describe('Action: main writes at the default paths (or DOCKER_CONFIG, exported); post restores', () => {
  test('docker in $DOCKER_CONFIG (exported for later steps), the rest in HOME; post puts it all back', async () => {
    const files = makeRunnerDirs();
    try {
      seed(files.home);
      const dockerDir = path.join(files.dir, 'docker-elsewhere');
      fs.mkdirSync(dockerDir);
      const own = '{"auths":{"quay.io":{"auth":"eDp5"}}}';
      fs.writeFileSync(path.join(dockerDir, 'config.json'), own);
      const { main, post } = await runActionJob(
        files,
        {
          url: 'https://registry.example.com',
          method: 'token',
          token: CANARY.token,
          format: 'docker, npmrc, netrc, kubeconfig',
          'kube-ca-data': Buffer.from(CA_PEM).toString('base64'),
          'kube-server': 'https://k8s.example.com:6443',
        },
        { env: { DOCKER_CONFIG: dockerDir } },
      );
      addCanary(CANARY.token);
      expect(main.code).toBe(0);
      expect(main.outputs.outcome).toBe('success');
      expect(main.exported.DOCKER_CONFIG).toBe(dockerDir);
      expect(main.exported.KUBECONFIG).toBeUndefined();
      expect(post.code).toBe(0);
      expect(fs.readFileSync(path.join(dockerDir, 'config.json'), 'utf8')).toBe(own);
      expectRestored(files.home);
      for (const rel of Object.keys(SEEDS)) expect(modeOf(path.join(files.home, rel))).toBe(0o644);
    } finally {
      fs.rmSync(files.dir, { recursive: true, force: true });
    }
  });

  test('a bad option input is invalid-input (exit 2) naming the input', async () => {
    const files = makeRunnerDirs();
    try {
      const main = (
        await runActionJob(files, {
          url: 'https://registry.example.com',
          method: 'token',
          token: CANARY.token,
          format: 'kubeconfig',
          'kube-ca-data': 'bm90IGEgY2VydA==',
        })
      ).main;
      expect(main.code).toBe(2);
      expect(main.outputs.outcome).toBe('invalid-input');
      expect(main.stdout).toMatch(/`kube-ca-data` is not a PEM certificate/);
    } finally {
      fs.rmSync(files.dir, { recursive: true, force: true });
    }
  });
});
