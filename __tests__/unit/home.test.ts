/**
 * The home directory tool files go under. An empty or relative HOME must not turn into paths
 * relative to the working directory (a token file in the workspace, journals the post step
 * cannot undo): the account's home is used instead.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { createContext } from '../../src/core/context';
import { homeOf } from '../../src/core/home';

describe('homeOf', () => {
  const account = os.userInfo().homedir;

  it('is HOME when HOME is an absolute path', () => {
    expect(homeOf({ HOME: '/home/ci' })).toBe('/home/ci');
  });

  it.each([
    ['empty', ''],
    ['relative', 'relative/dir'],
    ['a dot', '.'],
    ['unset', undefined],
  ])('is the account home when HOME is %s', (_, HOME) => {
    const home = homeOf(HOME === undefined ? {} : { HOME });
    expect(home).toBe(account);
    expect(path.isAbsolute(home)).toBe(true);
  });

  it('is what a context, and so every tool file path and the default store, starts from', () => {
    const ctx = createContext({ env: { HOME: '' } });
    expect(ctx.home).toBe(account);
    expect(ctx.storePath).toBe(path.join(account, '.config', 'deploy-login', 'credentials.json'));
  });
});
