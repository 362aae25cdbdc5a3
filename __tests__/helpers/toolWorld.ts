/**
 * A HOME with the user's own docker, npmrc, netrc and kubeconfig entries, one store, and CLI
 * logins/logouts into it; checks that read and parse every file (shared by the multi.* tests).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { addCanary } from './canary';
import { baseEnv, runCli, type ProcResult } from './dist';

export const FORMATS = 'spin,env,docker,npmrc,netrc,kubeconfig';

export const USER_DOCKER =
  JSON.stringify(
    { auths: { 'ghcr.io': { auth: Buffer.from('me:users-own-pat').toString('base64') } } },
    null,
    '\t',
  ) + '\n';
export const USER_NPMRC =
  'registry=https://registry.npmjs.org/\n//npm.example.com/:_authToken=users-own-npm\n';
export const USER_NETRC = 'machine git.example.com login me password users-own-git\n';
export const USER_KUBE = `apiVersion: v1
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

export interface World {
  home: string;
  store: string;
  env: NodeJS.ProcessEnv;
}

export function world(storeName = 'store'): World {
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

export const tokenOf = (name: string) => {
  const t = `tok-${name}-${Math.random().toString(36).slice(2, 10)}`;
  addCanary(t);
  return t;
};
export const hostOf = (name: string) => `${name}.example.test`;

export function login(
  w: World,
  name: string,
  token: string,
  env: NodeJS.ProcessEnv = {},
): Promise<ProcResult> {
  return runCli(
    ['login', '--target', name, '--url', `https://${hostOf(name)}`, '--method', 'token', '--format', FORMATS],
    { env: { ...w.env, ...env, DEPLOY_LOGIN_TOKEN: token }, timeoutMs: 60_000 },
  );
}

export const logout = (w: World, name: string, env: NodeJS.ProcessEnv = {}) =>
  runCli(['logout', '--target', name], { env: { ...w.env, ...env }, timeoutMs: 60_000 });

export interface Files {
  store: { current?: string; targets: Record<string, { token: string }> };
  docker: { auths: Record<string, { auth: string }> };
  npmrc: string;
  netrc: string;
  kube: {
    contexts: Array<{ name: string }>;
    users: Array<{ name: string; user: { token: string } }>;
    'current-context'?: string;
  };
}

/** Read and parse every shared file: a torn or invalid file throws here. */
export function readAll(w: World): Files {
  return {
    store: JSON.parse(fs.readFileSync(w.store, 'utf8')),
    docker: JSON.parse(fs.readFileSync(path.join(w.home, '.docker', 'config.json'), 'utf8')),
    npmrc: fs.readFileSync(path.join(w.home, '.npmrc'), 'utf8'),
    netrc: fs.readFileSync(path.join(w.home, '.netrc'), 'utf8'),
    kube: parseYaml(fs.readFileSync(path.join(w.home, '.kube', 'config'), 'utf8'), { uniqueKeys: true }),
  };
}

/** Every expected target is in the store and in every tool file with its own token; no others. */
export function checkPresent(w: World, expected: Map<string, string>, gone: string[] = []): void {
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
      [
        'netrc',
        f.netrc.includes(`machine ${hostOf(name)} login oauth2 password ${token}`) ? token : 'missing',
      ],
      ['kubeconfig', f.kube.contexts.some((c) => c.name === name) ? kubeToken(name) : 'no context'],
      [
        'spin',
        JSON.parse(fs.readFileSync(path.join(w.home, '.config', 'fermyon', `${name}.json`), 'utf8')).token,
      ],
      [
        'env',
        fs.readFileSync(path.join(path.dirname(w.store), `${name}.env`), 'utf8').includes(`'${token}'`)
          ? token
          : 'missing',
      ],
    ];
    for (const [where, got] of checks)
      if (got !== token) problems.push(`${name} in ${where}: ${String(got).slice(0, 30)}`);
  }
  for (const name of gone) {
    if (f.store.targets[name]) problems.push(`${name} still in the store`);
    if (f.docker.auths[hostOf(name)]) problems.push(`${name} still in docker`);
    if (f.npmrc.includes(`//${hostOf(name)}/`)) problems.push(`${name} still in npmrc`);
    if (f.netrc.includes(`machine ${hostOf(name)} `)) problems.push(`${name} still in netrc`);
    if (f.kube.contexts.some((c) => c.name === name)) problems.push(`${name} still in kubeconfig`);
    if (fs.existsSync(path.join(w.home, '.config', 'fermyon', `${name}.json`)))
      problems.push(`${name} spin file left`);
  }
  // Exactly the expected targets: nothing lost, nothing resurrected.
  const stored = Object.keys(f.store.targets).sort();
  if (stored.join() !== [...expected.keys()].sort().join())
    problems.push(`store holds ${stored.length}, expected ${expected.size}`);
  // The user's own entries are untouched.
  if (dockerToken('ghcr.io') !== 'users-own-pat') problems.push("the user's docker entry changed");
  if (!f.npmrc.startsWith(USER_NPMRC)) problems.push("the user's npmrc lines changed");
  if (!f.netrc.startsWith(USER_NETRC)) problems.push("the user's netrc entry changed");
  if (
    kubeToken('mine') !== undefined ||
    !f.kube.contexts.some((c) => c.name === 'mine') ||
    f.kube['current-context'] !== 'mine'
  )
    problems.push("the user's kube context changed");
  expect(problems).toEqual([]);
}

/** Nothing left over from the locking: no lock, draft or temp files beside the files. */
export function litter(w: World): string[] {
  const dirs = [
    w.home,
    path.join(w.home, '.docker'),
    path.join(w.home, '.kube'),
    path.join(w.home, '.config', 'fermyon'),
    path.dirname(w.store),
  ];
  return dirs
    .flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d) : []))
    .filter((n) => /\.lock$|\.lock\.|\.tmp$|\.stale\./.test(n));
}

export function expectOk(results: ProcResult[]): void {
  const bad = results.filter((r) => r.code !== 0).map((r) => `${r.code}: ${r.stderr.trim()}`);
  expect(bad).toEqual([]);
}
