/**
 * No clobbering (issue 5.3), logouts against logins: logouts interleaved with logins take out
 * exactly the right entries; and two legs with their own stores on one HOME logging in to the same
 * registry (docker/login-action #173): one leg's logout never takes the other's credential away, and
 * the last one out puts the user's own entry back, never the other leg's token.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runCli } from './helpers/dist';
import {
  checkPresent,
  expectOk,
  litter,
  login,
  logout,
  tokenOf,
  USER_DOCKER,
  USER_KUBE,
  USER_NETRC,
  USER_NPMRC,
  world,
  type World,
} from './helpers/toolWorld';

const CONCURRENT = 32;

describe('logouts and logins at once, on one HOME', () => {
  const worlds: World[] = [];
  afterAll(() => {
    for (const w of worlds) fs.rmSync(w.home, { recursive: true, force: true });
  });

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
    expect(parseYaml(fs.readFileSync(path.join(w.home, '.kube', 'config'), 'utf8'))).toEqual(
      parseYaml(USER_KUBE),
    );
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
      runCli(
        [
          'login',
          '--target',
          name,
          '--url',
          'https://ghcr.io',
          '--method',
          'token',
          '--format',
          'docker,npmrc,netrc',
        ],
        {
          env: { ...w.env, ...env, DEPLOY_LOGIN_TOKEN: token },
        },
      );
    const dockerToken = () => {
      const e = JSON.parse(fs.readFileSync(path.join(w.home, '.docker', 'config.json'), 'utf8')).auths[
        'ghcr.io'
      ];
      return Buffer.from(e.auth, 'base64').toString().split(':')[1];
    };
    const npmToken = () =>
      /\/\/ghcr\.io\/:_authToken=(\S+)/.exec(fs.readFileSync(path.join(w.home, '.npmrc'), 'utf8'))?.[1];

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
