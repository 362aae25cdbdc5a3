/**
 * No clobbering (issue 5.3): many CLI processes writing one store and one set of tool files at
 * once, the way parallel CLI logins or matrix legs on one self-hosted runner (one HOME) do.
 *
 * - 32 concurrent logins to distinct targets, 20 rounds: after every round every entry is there,
 *   in the store and in every tool file, and every file parses; the user's own entries survive.
 * - logouts interleaved with logins: exactly the right entries go.
 * - two legs with their own stores on one HOME, logging in to the same registry (docker/login-action
 *   #173): one leg's logout never takes the other's credential away, and the last one out puts the
 *   user's own entry back, never the other leg's.
 *
 * Logins use method token (no network): the race is in the files, which is what is under test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { addCanary } from './helpers/canary';
import { baseEnv, runCli, type ProcResult } from './helpers/dist';

const FORMATS = 'spin,env,docker,npmrc,netrc,kubeconfig';
const CONCURRENT = 32;
const ROUNDS = 20;

const USER_DOCKER = JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('me:users-own-pat').toString('base64') } } }, null, '\t') + '\n';
const USER_NPMRC = 'registry=https://registry.npmjs.org/\n//npm.example.com/:_authToken=users-own-npm\n';
const USER_NETRC = 'machine git.example.com login me password users-own-git\n';
const USER_KUBE = `apiVersion: v1
kind: Config
clusters:
- name: mine
  cluster:
    server: https://k8s.example.com
users:
- name: me
  user:
    token: users-own-kube
contexts:
- name: mine
  context:
    cluster: mine
    user: me
current-context: mine
`;

interface World {
  home: string;
  store: string;
  env: NodeJS.ProcessEnv;
}

function world(storeName = 'store'): World {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-stress-'));
  fs.mkdirSync(path.join(home, '.docker'), { recursive: true });
  fs.mkdirSync(path.join(home, '.kube'), { recursive: true });
  fs.writeFileSync(path.join(home, '.docker', 'config.json'), USER_DOCKER);
  fs.writeFileSync(path.join(home, '.npmrc'), USER_NPMRC);
  fs.writeFileSync(path.join(home, '.netrc'), USER_NETRC, { mode: 0o600 });
  fs.writeFileSync(path.join(home, '.kube', 'config'), USER_KUBE);
  const store = path.join(home, storeName, 'credentials.json');
  return { home, store, env: baseEnv({ HOME: home, DEPLOY_LOGIN_CONFIG: store }) };
}

const tokenOf = (name: string) => {
  const t = `tok-${name}-${Math.random().toString(36).slice(2, 10)}`;
  addCanary(t);
  return t;
};
const hostOf = (name: string) => `${name}.example.test`;

function login(w: World, name: string, token: string, env: NodeJS.ProcessEnv = {}): Promise<ProcResult> {
  return runCli(
    ['login', '--target', name, '--url', `https://${hostOf(name)}`, '--method', 'token', '--format', FORMATS],
    { env: { ...w.env, ...env, DEPLOY_LOGIN_TOKEN: token }, timeoutMs: 60_000 },
  );
}

const logout = (w: World, name: string, env: NodeJS.ProcessEnv = {}) =>
  runCli(['logout', '--target', name], { env: { ...w.env, ...env }, timeoutMs: 60_000 });

interface Files {
  store: { current?: string; targets: Record<string, { token: string }> };
  docker: { auths: Record<string, { auth: string }> };
  npmrc: string;
  netrc: string;
  kube: { contexts: Array<{ name: string }>; users: Array<{ name: string; user: { token: string } }>; 'current-context'?: string };
}

/** Read and parse every shared file: a torn or invalid file throws here. */
function readAll(w: World): Files {
  return {
    store: JSON.parse(fs.readFileSync(w.store, 'utf8')),
    docker: JSON.parse(fs.readFileSync(path.join(w.home, '.docker', 'config.json'), 'utf8')),
    npmrc: fs.readFileSync(path.join(w.home, '.npmrc'), 'utf8'),
    netrc: fs.readFileSync(path.join(w.home, '.netrc'), 'utf8'),
    kube: parseYaml(fs.readFileSync(path.join(w.home, '.kube', 'config'), 'utf8'), { uniqueKeys: true }),
  };
}

/** Every expected target is in the store and in every tool file with its own token; no others. */
function checkPresent(w: World, expected: Map<string, string>, gone: string[] = []): void {
  const f = readAll(w);
  const dockerToken = (host: string) => {
    const e = f.docker.auths[host];
    return e ? Buffer.from(e.auth, 'base64').toString().split(':').slice(1).join(':') : undefined;
  };
  const kubeToken = (name: string) => f.kube.users.find((u) => u.name === `deploy-login-${name}`)?.user.token;
  const problems: string[] = [];
  for (const [name, token] of expected) {
    const checks: Array<[string, unknown]> = [
      ['store', f.store.targets[name]?.token],
      ['docker', dockerToken(hostOf(name))],
      ['npmrc', f.npmrc.includes(`//${hostOf(name)}/:_authToken=${token}\n`) ? token : 'missing'],
      ['netrc', f.netrc.includes(`machine ${hostOf(name)} login oauth2 password ${token}`) ? token : 'missing'],
      ['kubeconfig', f.kube.contexts.some((c) => c.name === name) ? kubeToken(name) : 'no context'],
      ['spin', JSON.parse(fs.readFileSync(path.join(w.home, '.config', 'fermyon', `${name}.json`), 'utf8')).token],
      ['env', fs.readFileSync(path.join(path.dirname(w.store), `${name}.env`), 'utf8').includes(`'${token}'`) ? token : 'missing'],
    ];
    for (const [where, got] of checks) if (got !== token) problems.push(`${name} in ${where}: ${String(got).slice(0, 30)}`);
  }
  for (const name of gone) {
    if (f.store.targets[name]) problems.push(`${name} still in the store`);
    if (f.docker.auths[hostOf(name)]) problems.push(`${name} still in docker`);
    if (f.npmrc.includes(`//${hostOf(name)}/`)) problems.push(`${name} still in npmrc`);
    if (f.netrc.includes(`machine ${hostOf(name)} `)) problems.push(`${name} still in netrc`);
    if (f.kube.contexts.some((c) => c.name === name)) problems.push(`${name} still in kubeconfig`);
    if (fs.existsSync(path.join(w.home, '.config', 'fermyon', `${name}.json`))) problems.push(`${name} spin file left`);
  }
  // Exactly the expected targets: nothing lost, nothing resurrected.
  const stored = Object.keys(f.store.targets).sort();
  if (stored.join() !== [...expected.keys()].sort().join()) problems.push(`store holds ${stored.length}, expected ${expected.size}`);
  // The user's own entries are untouched.
  if (dockerToken('ghcr.io') !== 'users-own-pat') problems.push("the user's docker entry changed");
  if (!f.npmrc.startsWith(USER_NPMRC)) problems.push("the user's npmrc lines changed");
  if (!f.netrc.startsWith(USER_NETRC)) problems.push("the user's netrc entry changed");
  if (kubeToken('mine') !== undefined || !f.kube.contexts.some((c) => c.name === 'mine') || f.kube['current-context'] !== 'mine')
    problems.push("the user's kube context changed");
  expect(problems).toEqual([]);
}

/** Nothing left over from the locking: no lock, draft or temp files beside the files. */
function litter(w: World): string[] {
  const dirs = [w.home, path.join(w.home, '.docker'), path.join(w.home, '.kube'), path.join(w.home, '.config', 'fermyon'), path.dirname(w.store)];
  return dirs.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d) : [])).filter((n) => /\.lock$|\.lock\.|\.tmp$|\.stale\./.test(n));
}

function expectOk(results: ProcResult[]): void {
  const bad = results.filter((r) => r.code !== 0).map((r) => `${r.code}: ${r.stderr.trim()}`);
  expect(bad).toEqual([]);
}

describe('many writers, one store and one set of tool files', () => {
  const worlds: World[] = [];
  afterAll(() => {
    for (const w of worlds) fs.rmSync(w.home, { recursive: true, force: true });
  });

  it(`${CONCURRENT} concurrent CLI logins to distinct targets, ${ROUNDS} rounds: every entry present, every file valid`, async () => {
    const w = world();
    worlds.push(w);
    // The same 32 targets every round, each with a fresh token: a lost or stale write shows as an old token.
    const names = Array.from({ length: CONCURRENT }, (_, i) => `t${i}`);
    const expected = new Map<string, string>();
    const started = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      const tokens = names.map(tokenOf);
      expectOk(await Promise.all(names.map((name, i) => login(w, name, tokens[i]!))));
      names.forEach((name, i) => expected.set(name, tokens[i]!));
      checkPresent(w, expected);
    }
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `stress: ${ROUNDS * CONCURRENT} CLI logins (${CONCURRENT} at once x ${ROUNDS} rounds) in ${seconds.toFixed(1)} s, every file checked after each round\n`,
    );
    expect(litter(w)).toEqual([]);
    expect(fs.statSync(w.store).mode & 0o777).toBe(0o600);

    // All out at once: each tool file is back to what the user had.
    expectOk(await Promise.all(names.map((n) => logout(w, n))));
    expect(fs.existsSync(w.store)).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(w.home, '.docker', 'config.json'), 'utf8'))).toEqual(JSON.parse(USER_DOCKER));
    expect(fs.readFileSync(path.join(w.home, '.npmrc'), 'utf8')).toBe(USER_NPMRC);
    expect(fs.readFileSync(path.join(w.home, '.netrc'), 'utf8')).toBe(USER_NETRC);
    expect(parseYaml(fs.readFileSync(path.join(w.home, '.kube', 'config'), 'utf8'))).toEqual(parseYaml(USER_KUBE));
  }, 170_000);

  it('logouts interleaved with logins take out exactly the right entries', async () => {
    const w = world();
    worlds.push(w);
    const first = Array.from({ length: CONCURRENT }, (_, i) => `a${i}`);
    const tokens = new Map(first.map((n) => [n, tokenOf(n)]));
    expectOk(await Promise.all(first.map((n) => login(w, n, tokens.get(n)!))));

    // Odd ones log out while 16 new ones log in and the even ones log in again (a re-login).
    const leaving = first.filter((_, i) => i % 2 === 1);
    const staying = first.filter((_, i) => i % 2 === 0);
    const joining = Array.from({ length: CONCURRENT / 2 }, (_, i) => `b${i}`);
    for (const n of [...joining, ...staying]) tokens.set(n, tokenOf(n));
    const work = [
      ...leaving.map((n) => logout(w, n)),
      ...joining.map((n) => login(w, n, tokens.get(n)!)),
      ...staying.map((n) => login(w, n, tokens.get(n)!)),
    ];
    expectOk(await Promise.all(work));
    const expected = new Map([...staying, ...joining].map((n) => [n, tokens.get(n)!]));
    checkPresent(w, expected, leaving);

    // Everyone out, in parallel: each tool file holds exactly what the user had before.
    expectOk(await Promise.all([...expected.keys()].map((n) => logout(w, n))));
    expect(fs.existsSync(w.store)).toBe(false);
    const docker = JSON.parse(fs.readFileSync(path.join(w.home, '.docker', 'config.json'), 'utf8'));
    expect(docker).toEqual(JSON.parse(USER_DOCKER));
    expect(fs.readFileSync(path.join(w.home, '.npmrc'), 'utf8')).toBe(USER_NPMRC);
    expect(fs.readFileSync(path.join(w.home, '.netrc'), 'utf8')).toBe(USER_NETRC);
    expect(parseYaml(fs.readFileSync(path.join(w.home, '.kube', 'config'), 'utf8'))).toEqual(parseYaml(USER_KUBE));
    expect(fs.readdirSync(path.join(w.home, '.config', 'fermyon'))).toEqual([]);
    // No ownership ledger is left once nobody owns an entry.
    expect(fs.readdirSync(path.join(w.home, '.docker'))).toEqual(['config.json']);
    expect(litter(w)).toEqual([]);
  }, 60_000);

  it.each([
    ['the first leg logs out first', ['a', 'b']],
    ['the second leg logs out first', ['b', 'a']],
  ])('two legs (own stores, one HOME) on the same registry: %s', async (_title, order) => {
    // docker/login-action #173: one job's logout took the shared ~/.docker/config.json entry away.
    const w = world();
    worlds.push(w);
    const legs: Record<string, NodeJS.ProcessEnv> = {
      a: { DEPLOY_LOGIN_CONFIG: path.join(w.home, 'leg-a', 'credentials.json') },
      b: { DEPLOY_LOGIN_CONFIG: path.join(w.home, 'leg-b', 'credentials.json') },
    };
    const tok = { a: tokenOf('leg-a'), b: tokenOf('leg-b') };
    const shared = (name: string, token: string, env: NodeJS.ProcessEnv) =>
      runCli(['login', '--target', name, '--url', 'https://ghcr.io', '--method', 'token', '--format', 'docker,npmrc,netrc'], {
        env: { ...w.env, ...env, DEPLOY_LOGIN_TOKEN: token },
      });
    const dockerToken = () => {
      const e = JSON.parse(fs.readFileSync(path.join(w.home, '.docker', 'config.json'), 'utf8')).auths['ghcr.io'];
      return Buffer.from(e.auth, 'base64').toString().split(':')[1];
    };
    const npmToken = () => /\/\/ghcr\.io\/:_authToken=(\S+)/.exec(fs.readFileSync(path.join(w.home, '.npmrc'), 'utf8'))?.[1];

    expectOk([await shared('deploy', tok.a, legs.a!)]);
    expectOk([await shared('deploy', tok.b, legs.b!)]);
    expect(dockerToken()).toBe(tok.b);

    const [firstOut, lastOut] = order as ['a' | 'b', 'a' | 'b'];
    expectOk([await logout(w, 'deploy', legs[firstOut])]);
    // The leg still working keeps its credential, whichever left first.
    expect(dockerToken()).toBe(tok[lastOut]);
    expect(npmToken()).toBe(tok[lastOut]);

    expectOk([await logout(w, 'deploy', legs[lastOut])]);
    // The last one out restores the user's own entry, never the other leg's token.
    expect(dockerToken()).toBe('users-own-pat');
    expect(fs.readFileSync(path.join(w.home, '.npmrc'), 'utf8')).toBe(USER_NPMRC);
    expect(fs.readFileSync(path.join(w.home, '.netrc'), 'utf8')).toBe(USER_NETRC);
    expect(fs.readdirSync(path.join(w.home, '.docker'))).toEqual(['config.json']);
  });
});
