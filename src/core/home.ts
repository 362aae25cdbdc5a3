import os from 'node:os';
import path from 'node:path';
import type { Env } from './store.js';

/**
 * The home directory credential files go under: $HOME when it is an absolute path, else the
 * account's own. An empty or relative HOME (a runner or container that set it to nothing) would
 * otherwise put tokens under the working directory, in paths the journals cannot undo from
 * elsewhere; Node's os.homedir() returns such a HOME as it is.
 */
export function homeOf(env: Env): string {
  const home = env.HOME;
  if (home && path.isAbsolute(home)) return home;
  try {
    const account = os.userInfo().homedir;
    if (account && path.isAbsolute(account)) return account;
  } catch {
    // No account entry (a container's arbitrary uid): Node's answer is all there is.
  }
  return os.homedir();
}
