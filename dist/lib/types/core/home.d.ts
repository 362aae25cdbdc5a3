import type { Env } from './store.js';
/**
 * The home directory credential files go under: $HOME when it is an absolute path, else the
 * account's own. An empty or relative HOME (a runner or container that set it to nothing) would
 * otherwise put tokens under the working directory, in paths the journals cannot undo from
 * elsewhere; Node's os.homedir() returns such a HOME as it is.
 */
export declare function homeOf(env: Env): string;
