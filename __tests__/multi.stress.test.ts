/**
 * No clobbering (issue 5.3): many CLI processes writing one store and one set of tool files at
 * once, the way parallel CLI logins or matrix legs on one self-hosted runner (one HOME) do:
 * 32 concurrent logins to distinct targets, 20 rounds. After every round every entry is there, in
 * the store and in every tool file (spin, env, docker, npmrc, netrc, kubeconfig), with the token of
 * that round, and every file parses; the user's own entries survive; then all log out at once and
 * every file is back to what the user had. Logins use method token (no network): the race is in
 * the files, which is what is under test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
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
const ROUNDS = 20;

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
    expect(JSON.parse(fs.readFileSync(path.join(w.home, '.docker', 'config.json'), 'utf8'))).toEqual(
      JSON.parse(USER_DOCKER),
    );
    expect(fs.readFileSync(path.join(w.home, '.npmrc'), 'utf8')).toBe(USER_NPMRC);
    expect(fs.readFileSync(path.join(w.home, '.netrc'), 'utf8')).toBe(USER_NETRC);
    expect(parseYaml(fs.readFileSync(path.join(w.home, '.kube', 'config'), 'utf8'))).toEqual(
      parseYaml(USER_KUBE),
    );
  }, 170_000);
});
