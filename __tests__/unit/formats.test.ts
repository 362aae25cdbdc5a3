/**
 * The credential-file writers (docker, npmrc, netrc, kubeconfig): each merges our entry into a file
 * that already has other entries, leaves those as they were, and takes out only ours again —
 * putting back what it replaced. The engine tests run on the real file system: byte-for-byte
 * restore, 0600, several targets writing one file at once.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DeployLoginError } from '../../src/core/errors';
import { dockerRegistryKey, dockerWriter } from '../../src/core/formats/docker';
import { dotenvValue } from '../../src/core/formats/env';
import { WRITERS } from '../../src/core/formats/index';
import { kubeconfigWriter } from '../../src/core/formats/kubeconfig';
import { netrcEntries, netrcWriter } from '../../src/core/formats/netrc';
import { nerfDart, npmrcWriter } from '../../src/core/formats/npmrc';
import type { FileJournal } from '../../src/core/store';
import { undoToolFile, writeToolFile, type FormatContext, type FormatWriter } from '../../src/core/toolfiles';

const TOKEN = 'tok-ABC.def_123';

function ctxFor(
  over: Partial<FormatContext> & {
    options?: Record<string, unknown>;
    url?: string;
    name?: string;
    insecure?: boolean;
  } = {},
): FormatContext {
  const { options, url, name, insecure, ...rest } = over;
  return {
    target: {
      name: name ?? 'staging',
      url: url ?? 'https://registry.example.com',
      insecure: insecure ?? false,
      protocol: 'oauth2',
      options: options ?? {},
    },
    token: TOKEN,
    env: {},
    home: '/home/ci',
    platform: 'linux',
    storeDir: '/tmp/store',
    ...rest,
  };
}

function invalid(fn: () => unknown): string {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DeployLoginError);
  expect((err as DeployLoginError).outcome).toBe('invalid-input');
  return (err as Error).message;
}

/** upsert then remove on text: the round trip gives back `text` exactly. */
function roundTrip(writer: FormatWriter, text: string | undefined, ctx: FormatContext) {
  const up = writer.upsert(text, ctx);
  const back = writer.remove(up.content, up.key, up.previousEntry);
  return { up, back };
}

beforeAll(async () => {
  await kubeconfigWriter.load!();
});

describe('registry', () => {
  it('has a writer for every contract format', () => {
    expect(Object.keys(WRITERS).sort()).toEqual(['docker', 'env', 'kubeconfig', 'netrc', 'npmrc', 'spin']);
  });
});

describe('docker', () => {
  const existing =
    '{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "b3RoZXI6c2VjcmV0"\n\t\t}\n\t},\n\t"HttpHeaders": {\n\t\t"User-Agent": "Docker-Client/28"\n\t}\n}';

  it('adds auths[host] = base64(user:token), keeps other registries and keys, tab indentation', () => {
    const { up, back } = roundTrip(dockerWriter, existing, ctxFor({ username: 'ci' }));
    const cfg = JSON.parse(up.content);
    expect(cfg.auths['ghcr.io']).toEqual({ auth: 'b3RoZXI6c2VjcmV0' });
    expect(cfg.auths['registry.example.com']).toEqual({
      auth: Buffer.from(`ci:${TOKEN}`).toString('base64'),
    });
    expect(cfg.HttpHeaders).toEqual({ 'User-Agent': 'Docker-Client/28' });
    expect(up.content).toContain('\n\t\t"registry.example.com": {');
    expect(up.key).toBe('registry.example.com');
    expect(up.previousEntry).toBeNull();
    expect(back.content).toBe(existing);
    expect(back.empty).toBe(false);
  });

  it('replaces an entry for the same registry and restores it on remove', () => {
    const text =
      JSON.stringify({ auths: { 'registry.example.com': { auth: 'b2xkOm9sZA==', email: 'x@y' } } }, null, 2) +
      '\n';
    const { up, back } = roundTrip(dockerWriter, text, ctxFor());
    expect(JSON.parse(up.content).auths['registry.example.com'].auth).toBe(
      Buffer.from(`oauth2accesstoken:${TOKEN}`).toString('base64'),
    );
    expect(up.content).toMatch(/^\{\n {2}"auths"/);
    expect(back.content).toBe(text);
  });

  it('writes an identity token the way docker login does', () => {
    const up = dockerWriter.upsert(undefined, ctxFor({ username: 'oidc', identityToken: true }));
    expect(JSON.parse(up.content)).toEqual({
      auths: {
        'registry.example.com': { auth: Buffer.from('oidc:').toString('base64'), identitytoken: TOKEN },
      },
    });
    expect(dockerWriter.remove(up.content, up.key, null)).toEqual({
      content: '{\n\t"auths": {}\n}\n',
      empty: true,
    });
  });

  it('keys by host:port, the docker-server option, and Docker Hub by its index URL', () => {
    expect(dockerRegistryKey(ctxFor({ url: 'http://127.0.0.1:5000' }))).toBe('127.0.0.1:5000');
    expect(dockerRegistryKey(ctxFor({ options: { dockerServer: 'GHCR.io' } }))).toBe('ghcr.io');
    expect(dockerRegistryKey(ctxFor({ options: { dockerServer: 'https://europe-docker.pkg.dev/x' } }))).toBe(
      'europe-docker.pkg.dev',
    );
    expect(dockerRegistryKey(ctxFor({ url: 'https://registry-1.docker.io' }))).toBe(
      'https://index.docker.io/v1/',
    );
    expect(dockerRegistryKey(ctxFor({ options: { dockerServer: 'docker.io' } }))).toBe(
      'https://index.docker.io/v1/',
    );
  });

  it('warns when credsStore or credHelpers would shadow our entry', () => {
    const warnings: string[] = [];
    const warn = (l: string) => warnings.push(l);
    dockerWriter.upsert('{"credsStore":"desktop"}', ctxFor({ warn }));
    dockerWriter.upsert('{"credHelpers":{"registry.example.com":"gcloud"}}', ctxFor({ warn }));
    dockerWriter.upsert('{"credHelpers":{"gcr.io":"gcloud"}}', ctxFor({ warn }));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/credsStore "desktop".*DOCKER_CONFIG/);
    expect(warnings[1]).toMatch(/docker-credential-gcloud/);
    expect(warnings.join()).not.toContain(TOKEN);
  });

  it('refuses a config that is not a JSON object, naming the file, without the content', () => {
    expect(invalid(() => dockerWriter.upsert('{"auths": [', ctxFor()))).toMatch(
      /^The Docker config \/home\/ci\/.docker\/config.json is not a JSON object/,
    );
    expect(invalid(() => dockerWriter.upsert('{"auths": "x"}', ctxFor()))).toMatch(
      /"auths" that is not an object/,
    );
    expect(invalid(() => dockerWriter.upsert('{}', ctxFor({ username: 'a:b' })))).toMatch(/contains ":"/);
  });

  it('lives in $DOCKER_CONFIG (exported) or ~/.docker', () => {
    expect(dockerWriter.locate(ctxFor())).toEqual({ path: '/home/ci/.docker/config.json' });
    expect(dockerWriter.locate(ctxFor({ env: { DOCKER_CONFIG: '/tmp/d' } }))).toEqual({
      path: '/tmp/d/config.json',
      exportVar: { name: 'DOCKER_CONFIG', value: '/tmp/d' },
    });
  });
});

describe('npmrc', () => {
  const existing = [
    '; user config',
    'registry=https://registry.npmjs.org/',
    '//registry.npmjs.org/:_authToken=${NPM_TOKEN}',
    '@acme:registry=https://npm.pkg.github.com/acme/',
    '',
  ].join('\n');

  it('nerf-darts the registry URL like npm', () => {
    expect(nerfDart('http://127.0.0.1:4873')).toBe('//127.0.0.1:4873/');
    expect(nerfDart('https://registry.npmjs.org/')).toBe('//registry.npmjs.org/');
    expect(nerfDart('https://registry.npmjs.org:443')).toBe('//registry.npmjs.org/');
    expect(nerfDart('https://npm.pkg.github.com/acme')).toBe('//npm.pkg.github.com/acme/');
  });

  it('appends //host/path/:_authToken for the target, other lines untouched, and removes only it', () => {
    const { up, back } = roundTrip(npmrcWriter, existing, ctxFor({ url: 'https://npm.pkg.github.com/acme' }));
    expect(up.content).toBe(existing + `//npm.pkg.github.com/acme/:_authToken=${TOKEN}\n`);
    expect(up.key).toBe('//npm.pkg.github.com/acme/:_authToken');
    expect(back.content).toBe(existing);
  });

  it('replaces the line for the same registry in place and puts it back (CRLF kept)', () => {
    const crlf = existing.replace(/\n/g, '\r\n');
    const { up, back } = roundTrip(
      npmrcWriter,
      crlf,
      ctxFor({ options: { npmRegistry: 'https://registry.npmjs.org/' } }),
    );
    expect(up.content).toBe(crlf.replace('${NPM_TOKEN}', TOKEN));
    expect(up.previousEntry).toBe('//registry.npmjs.org/:_authToken=${NPM_TOKEN}\r');
    expect(back.content).toBe(crlf);
  });

  it('creates a file, and removing our only line leaves it empty', () => {
    const up = npmrcWriter.upsert(undefined, ctxFor({ url: 'http://127.0.0.1:4873' }));
    expect(up.content).toBe(`//127.0.0.1:4873/:_authToken=${TOKEN}\n`);
    expect(npmrcWriter.remove(up.content, up.key, null)).toEqual({ content: '', empty: true });
    const noEol = npmrcWriter.upsert('a=1', ctxFor({ url: 'http://127.0.0.1:4873' }));
    expect(noEol.content).toBe(`a=1\n//127.0.0.1:4873/:_authToken=${TOKEN}\n`);
  });

  it('refuses a token with whitespace, without printing it', () => {
    const m = invalid(() => npmrcWriter.upsert('', ctxFor({ token: 'secret value' })));
    expect(m).not.toContain('secret');
  });

  it('lives in NPM_CONFIG_USERCONFIG (either case, exported) or ~/.npmrc', () => {
    expect(npmrcWriter.locate(ctxFor())).toEqual({ path: '/home/ci/.npmrc' });
    expect(npmrcWriter.locate(ctxFor({ env: { npm_config_userconfig: '/tmp/u.npmrc' } }))).toEqual({
      path: '/tmp/u.npmrc',
      exportVar: { name: 'NPM_CONFIG_USERCONFIG', value: '/tmp/u.npmrc' },
    });
  });
});

describe('netrc', () => {
  const existing = [
    '# deploy hosts',
    'machine git.example.com',
    '  login alice',
    '  password "p w"',
    '',
    'machine registry.example.com login old password old-secret account x',
    'macdef init',
    'cd /pub',
    '',
    'default login anonymous password me@example.com',
    '',
  ].join('\n');

  it('finds entries across lines, quotes, comments and macros', () => {
    const entries = netrcEntries(existing);
    expect(entries.map((e) => e.machine)).toEqual(['git.example.com', 'registry.example.com', null]);
    expect(existing.slice(entries[1]!.start, entries[1]!.end)).toBe(
      'machine registry.example.com login old password old-secret account x',
    );
    expect(existing.slice(entries[0]!.start, entries[0]!.end)).toBe(
      'machine git.example.com\n  login alice\n  password "p w"',
    );
  });

  it('replaces the entry for our machine in place and puts it back byte for byte', () => {
    const { up, back } = roundTrip(netrcWriter, existing, ctxFor({ username: 'ci' }));
    expect(up.content).toBe(
      existing.replace(
        'machine registry.example.com login old password old-secret account x',
        `machine registry.example.com login ci password ${TOKEN}`,
      ),
    );
    expect(back.content).toBe(existing);
  });

  it('adds a new machine before `default` (curl stops there) and removes the whole line again', () => {
    const { up, back } = roundTrip(netrcWriter, existing, ctxFor({ url: 'http://127.0.0.1:8090' }));
    expect(up.content).toBe(
      existing.replace('default login', `machine 127.0.0.1 login oauth2 password ${TOKEN}\ndefault login`),
    );
    expect(back.content).toBe(existing);
    expect(up.key).toBe('127.0.0.1');
  });

  it('appends at the end without `default`, and honours netrc-machine', () => {
    const text = 'machine a login b password c';
    const up = netrcWriter.upsert(text, ctxFor({ options: { netrcMachine: 'Git.Example.org' } }));
    expect(up.content).toBe(`${text}\nmachine git.example.org login oauth2 password ${TOKEN}\n`);
    expect(netrcWriter.remove(up.content, up.key, null)).toEqual({ content: `${text}\n`, empty: false });
    const fresh = netrcWriter.upsert(undefined, ctxFor());
    expect(netrcWriter.remove(fresh.content, fresh.key, null)).toEqual({ content: '', empty: true });
  });

  it('refuses whitespace in the token or username', () => {
    invalid(() => netrcWriter.upsert('', ctxFor({ token: 'a b' })));
    invalid(() => netrcWriter.upsert('', ctxFor({ username: 'a\tb' })));
  });

  it('lives in ~/.netrc, ~/_netrc on Windows, or $NETRC (exported)', () => {
    expect(netrcWriter.locate(ctxFor())).toEqual({ path: '/home/ci/.netrc' });
    expect(netrcWriter.locate(ctxFor({ platform: 'win32', home: '/home/ci' })).path).toMatch(/_netrc$/);
    expect(netrcWriter.locate(ctxFor({ env: { NETRC: '/tmp/n' } }))).toEqual({
      path: '/tmp/n',
      exportVar: { name: 'NETRC', value: '/tmp/n' },
    });
  });
});

describe('kubeconfig', () => {
  // kubectl's own style: sequences flush with their key, a comment, flow maps
  const existing = [
    'apiVersion: v1',
    'kind: Config',
    '# the developer cluster',
    'clusters:',
    '- cluster:',
    '    server: https://dev.example.com',
    '  name: dev',
    'contexts:',
    '- context: {cluster: dev, user: dev}',
    '  name: dev',
    'current-context: dev',
    'preferences: {}',
    'users:',
    '- name: dev',
    '  user:',
    '    token: dev-token',
    '',
  ].join('\n');
  const kctx = (over: Parameters<typeof ctxFor>[0] = {}) =>
    ctxFor({
      url: 'https://k8s.example.com',
      options: {
        kubeCaData: Buffer.from('-----BEGIN CERTIFICATE-----\nx\n').toString('base64'),
        kubeNamespace: 'apps',
      },
      ...over,
    });

  it('our entry is the same entry after a rewrite in another key order (kubectl sorts keys)', () => {
    const up = kubeconfigWriter.upsert(existing, kctx());
    const sortKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sortKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
            )
          : v;
    const rewritten = stringifyYaml(sortKeys(parseYaml(up.content)));
    expect(rewritten).not.toBe(up.content);
    expect(kubeconfigWriter.entryAt!(rewritten, up.key)).toBe(kubeconfigWriter.entryAt!(up.content, up.key));
  });

  it('adds cluster, user and a context named after the target; keeps current-context and the rest', () => {
    const { up, back } = roundTrip(kubeconfigWriter, existing, kctx());
    const cfg = parseYaml(up.content);
    expect(cfg['current-context']).toBe('dev');
    expect(cfg.clusters).toEqual([
      { name: 'dev', cluster: { server: 'https://dev.example.com' } },
      {
        name: 'deploy-login-staging',
        cluster: {
          server: 'https://k8s.example.com',
          'certificate-authority-data': Buffer.from('-----BEGIN CERTIFICATE-----\nx\n').toString('base64'),
        },
      },
    ]);
    expect(cfg.users[1]).toEqual({ name: 'deploy-login-staging', user: { token: TOKEN } });
    expect(cfg.contexts[1]).toEqual({
      name: 'staging',
      context: { cluster: 'deploy-login-staging', user: 'deploy-login-staging', namespace: 'apps' },
    });
    expect(
      up.content.startsWith(existing.split('users:')[0]!.split('current-context')[0]!.slice(0, 60)),
    ).toBe(true);
    expect(up.content).toContain('# the developer cluster');
    expect(up.content).toContain('- context: {cluster: dev, user: dev}');
    expect(up.content).toMatch(/^clusters:\n- cluster:/m);
    expect(back.content).toBe(existing);
    expect(back.empty).toBe(false);
  });

  it('sets current-context when there is none and takes it back on remove', () => {
    const up = kubeconfigWriter.upsert(
      undefined,
      kctx({ insecure: true, options: { kubeServer: 'https://10.0.0.1:6443' } }),
    );
    const cfg = parseYaml(up.content);
    expect(cfg['current-context']).toBe('staging');
    expect(cfg.clusters[0].cluster).toEqual({
      server: 'https://10.0.0.1:6443',
      'insecure-skip-tls-verify': true,
    });
    const back = kubeconfigWriter.remove(up.content, up.key, up.previousEntry);
    expect(back.empty).toBe(true);
    expect(parseYaml(back.content)['current-context']).toBeUndefined();
  });

  it('replaces a same-named context, points a dangling current-context at ours, restores the context', () => {
    const text = existing
      .replace('current-context: dev', 'current-context: gone')
      .replace(
        '- context: {cluster: dev, user: dev}\n  name: dev',
        '- context: {cluster: dev, user: dev}\n  name: staging',
      );
    const { up, back } = roundTrip(kubeconfigWriter, text, kctx());
    const cfg = parseYaml(up.content);
    expect(cfg['current-context']).toBe('staging');
    expect(cfg.contexts).toHaveLength(1);
    expect(cfg.contexts[0].context.cluster).toBe('deploy-login-staging');
    // Entry by entry, their context comes back; current-context is left naming it rather than the
    // dangling "gone" (the engine restores the original bytes whenever the file is untouched).
    expect(parseYaml(back.content)).toEqual({ ...parseYaml(text), 'current-context': 'staging' });
  });

  it('reads kube-ca-file, and refuses a missing or non-PEM one naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-kube-'));
    try {
      const ca = path.join(dir, 'ca.crt');
      fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n');
      const up = kubeconfigWriter.upsert(undefined, kctx({ options: { kubeCaFile: ca } }));
      expect(parseYaml(up.content).clusters[0].cluster['certificate-authority-data']).toBe(
        fs.readFileSync(ca).toString('base64'),
      );
      expect(
        invalid(() =>
          kubeconfigWriter.upsert(undefined, kctx({ options: { kubeCaFile: path.join(dir, 'no') } })),
        ),
      ).toMatch(/^kube-ca-file .*no cannot be read \(ENOENT\)/);
      fs.writeFileSync(ca, 'hello');
      expect(
        invalid(() => kubeconfigWriter.upsert(undefined, kctx({ options: { kubeCaFile: ca } }))),
      ).toMatch(/not a PEM/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses YAML it cannot parse, naming the file', () => {
    expect(invalid(() => kubeconfigWriter.upsert('clusters: [\n', kctx()))).toMatch(
      /^The kubeconfig \/home\/ci\/.kube\/config is not valid YAML/,
    );
    expect(invalid(() => kubeconfigWriter.upsert('clusters: 3\n', kctx()))).toMatch(
      /"clusters" that is not a list/,
    );
  });

  it('lives in the first $KUBECONFIG file (the whole list exported again) or ~/.kube/config', () => {
    expect(kubeconfigWriter.locate(kctx())).toEqual({ path: '/home/ci/.kube/config' });
    expect(kubeconfigWriter.locate(kctx({ env: { KUBECONFIG: '/tmp/a:/tmp/b' } }))).toEqual({
      path: '/tmp/a',
      exportVar: { name: 'KUBECONFIG', value: '/tmp/a:/tmp/b' },
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('check: what a format can refuse before any request is sent', () => {
  const target = (over: Partial<FormatContext['target']> & { username?: string } = {}) => ({
    ...ctxFor().target,
    ...over,
  });

  it('refuses what the writer would refuse later, and passes what it would write', () => {
    expect(invalid(() => netrcWriter.check!(target({ username: 'ci user' })))).toMatch(/netrc file/);
    expect(invalid(() => dockerWriter.check!(target({ username: 'ci:user' })))).toMatch(/contains ":"/);
    invalid(() => npmrcWriter.check!(target({ options: { npmRegistry: 'not a url' } })));
    invalid(() => WRITERS.spin!.check!(target({ options: { bindleUrl: 42 } })));
    invalid(() => WRITERS.env!.check!(target({ url: "https://x.example.com/it's$HOME" })));
    for (const w of Object.values(WRITERS))
      expect(() => w.check?.(target({ username: 'ci-bot' }))).not.toThrow();
  });
});

describe('env: dotenv values', () => {
  it('quotes so that dotenv readers and shells read the value back; refuses what has no such spelling', () => {
    expect(dotenvValue('a$b"c')).toBe(`'a$b"c'`);
    expect(dotenvValue("it's")).toBe(`"it's"`);
    expect(dotenvValue(`it's "x"`)).toBeUndefined();
    expect(dotenvValue("it's $HOME")).toBeUndefined();
    expect(dotenvValue("it's \\n")).toBeUndefined();
    expect(dotenvValue('line\nbreak')).toBeUndefined();
    const msg = invalid(() => WRITERS.env!.upsert(undefined, ctxFor({ token: `it's "secret"` })));
    expect(msg).toMatch(/^The token holds characters a dotenv file cannot carry safely/);
    expect(msg).not.toContain('secret');
  });
});

describe('entryAt agrees with the previousEntry upsert reports (the ledger compares them)', () => {
  const cases: Array<[FormatWriter, string, ReturnType<typeof ctxFor>]> = [
    [dockerWriter, '{"auths":{"ghcr.io":{"auth":"eDp5"}}}', ctxFor()],
    [npmrcWriter, 'a=1\n', ctxFor()],
    [netrcWriter, 'machine x login a password b\n', ctxFor()],
    [kubeconfigWriter, 'apiVersion: v1\nclusters: []\ncontexts: []\nusers: []\n', ctxFor()],
  ];
  for (const [writer, seed, ctx] of cases) {
    it(`${writer.format}`, () => {
      const first = writer.upsert(seed, ctx);
      expect(writer.entryAt!(seed, first.key)).toBeNull();
      const mine = writer.entryAt!(first.content, first.key);
      expect(mine).not.toBeNull();
      const second = writer.upsert(first.content, { ...ctx, token: 'another-token' });
      expect(second.previousEntry).toBe(mine);
    });
  }
});

describe('engine on the real file system', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-fmt-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const fileCtx = (name: string, url: string, extra: Partial<FormatContext> = {}) =>
    ctxFor({
      name,
      url,
      home: dir,
      token: `token-for-${name}`,
      options: { kubeCaData: Buffer.from('-----BEGIN CERTIFICATE-----\n').toString('base64') },
      ...extra,
    });

  const seeds: Record<string, { file: string; text: string }> = {
    docker: {
      file: '.docker/config.json',
      text: '{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "eDp5"\n\t\t}\n\t}\n}',
    },
    npmrc: { file: '.npmrc', text: '# mine\nregistry=https://registry.npmjs.org/\n' },
    netrc: {
      file: '.netrc',
      text: 'machine other.example.com login a password b\ndefault login x password y\n',
    },
    kubeconfig: {
      file: '.kube/config',
      text: 'apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://dev\n  name: dev\ncontexts: []\nusers: []\n',
    },
  };

  /** The file's text, with docker's base64 `auth` values decoded so tokens can be looked for. */
  const read = (file: string) =>
    fs
      .readFileSync(file, 'utf8')
      .replace(
        /"auth": "([^"]*)"/g,
        (_m, b64: string) => `"auth": "${Buffer.from(b64, 'base64').toString()}"`,
      );

  for (const [format, seed] of Object.entries(seeds)) {
    const writer = WRITERS[format as keyof typeof WRITERS]!;

    it(`${format}: write is 0600 and atomic; undo restores the original bytes; a file we created is removed`, async () => {
      const file = path.join(dir, seed.file);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, seed.text, { mode: 0o644 });
      const { journal } = await writeToolFile(writer, fileCtx('staging', 'https://t1.example.com'));
      expect(journal.path).toBe(file);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(read(file)).toContain('token-for-staging');
      expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      await undoToolFile(writer, journal);
      expect(fs.readFileSync(file, 'utf8')).toBe(seed.text);

      fs.rmSync(file);
      const created = await writeToolFile(writer, fileCtx('staging', 'https://t1.example.com'));
      await undoToolFile(writer, created.journal);
      expect(fs.existsSync(file)).toBe(false);
    });

    it(`${format}: two targets writing one file at once both land; undone in any order only ours go`, async () => {
      const file = path.join(dir, seed.file);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, seed.text);
      const [a, b] = await Promise.all([
        writeToolFile(writer, fileCtx('one', 'https://one.example.com')),
        writeToolFile(writer, fileCtx('two', 'https://two.example.com')),
      ]);
      const both = read(file);
      expect(both).toContain('token-for-one');
      expect(both).toContain('token-for-two');
      // First in, first out: the file changed since `a` was written, so only a's entry is taken out.
      await undoToolFile(writer, a.journal);
      const afterA = read(file);
      expect(afterA).not.toContain('token-for-one');
      expect(afterA).toContain('token-for-two');
      await undoToolFile(writer, b.journal);
      const afterB = read(file);
      expect(afterB).not.toContain('token-for-');
      const seedFile = path.join(dir, 'seed');
      fs.writeFileSync(seedFile, seed.text);
      expect(afterB.replace(/\s+/g, '')).toBe(read(seedFile).replace(/\s+/g, ''));
    });

    it(`${format}: someone else's edit after our write survives our undo`, async () => {
      const file = path.join(dir, seed.file);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, seed.text);
      const { journal } = await writeToolFile(writer, fileCtx('staging', 'https://t1.example.com'));
      const theirs = await writeToolFile(writer, fileCtx('theirs', 'https://theirs.example.com'));
      await undoToolFile(writer, journal);
      const left = read(file);
      expect(left).toContain('token-for-theirs');
      expect(left).not.toContain('token-for-staging');
      const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
      expect(sha256(fs.readFileSync(file, 'utf8'))).not.toBe((theirs.journal as FileJournal).writtenHash);
    });
  }
});
