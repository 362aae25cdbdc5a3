import { constants } from 'node:fs';
import path from 'node:path';
import type { CoreContext } from './context.js';
import { DIR_MODE } from './fsutil.js';
import { localfs as fs } from './localfs.js';
import { storeIsDurable, storePath, type UpdateOptions } from './store.js';
import { replaceControlChars } from './text.js';

/** Directories already warned about: a step that writes the store several times says it once. */
const warned = new Set<string>();

/**
 * The contract keeps the store's directory at 0700. mkdir gives that to a directory we create, but
 * one that already exists keeps its mode: at 0755 every local user can see which targets were
 * logged in to and when (the store, its seal and its lock by name and time), and a writable one
 * lets them put files in our way.
 *
 * The default directory ($XDG_CONFIG_HOME/deploy-login, $RUNNER_TEMP/deploy-login) is ours, so it
 * is made private. A directory chosen through DEPLOY_LOGIN_CONFIG is the user's (perhaps shared
 * on purpose): its mode is left alone, and a warning names it and the fix, once.
 */
export async function guardStoreDir(
  ctx: Pick<CoreContext, 'storePath' | 'env' | 'home' | 'platform' | 'warn'>,
): Promise<void> {
  // POSIX permission bits mean nothing to Windows ACLs.
  if (ctx.platform === 'win32') return;
  const dir = path.dirname(ctx.storePath);
  // Only the variables the default path depends on: copying process.env whole (every variable
  // through its native getter) cost a login a quarter of a millisecond.
  const { GITHUB_ACTIONS, RUNNER_TEMP, XDG_CONFIG_HOME } = ctx.env;
  const ours =
    !ctx.env.DEPLOY_LOGIN_CONFIG ||
    ctx.storePath === storePath({ GITHUB_ACTIONS, RUNNER_TEMP, XDG_CONFIG_HOME }, ctx.home);
  if (ours && (await makePrivate(dir))) return;
  const mode = ((await fs.stat(dir).catch(() => undefined))?.mode ?? 0) & 0o777;
  if ((mode & 0o077) === 0 || warned.has(dir)) return;
  warned.add(dir);
  const shown = replaceControlChars(dir);
  const why = ours
    ? 'and deploy-login could not make it private'
    : 'and deploy-login leaves the mode of a directory chosen with DEPLOY_LOGIN_CONFIG alone';
  ctx.warn(
    `The credential store's directory ${shown} is open to other users (mode ${mode.toString(8).padStart(4, '0')}), ${why}: run "chmod 700 '${shown.replace(/'/g, `'\\''`)}'".`,
  );
}

/**
 * chmod 0700 through a descriptor opened without following a symlink, so it is never the mode of
 * whatever a link points at. False when that cannot be done (a symlink, someone else's directory).
 */
async function makePrivate(dir: string): Promise<boolean> {
  try {
    const handle = await fs.open(
      dir,
      constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | (constants.O_NOFOLLOW ?? 0),
    );
    try {
      if ((Number((await handle.stat({ bigint: true })).mode) & 0o077) !== 0) await handle.chmod(DIR_MODE);
    } finally {
      await handle.close();
    }
    return true;
  } catch {
    return false;
  }
}

/** What every store write of a context passes to updateStore: the directory's guard, and durability. */
export const storeWriteOptions = (
  ctx: Pick<CoreContext, 'storePath' | 'env' | 'home' | 'platform' | 'warn'>,
): Pick<UpdateOptions, 'guardDir' | 'durable'> => ({
  guardDir: () => guardStoreDir(ctx),
  durable: storeIsDurable(ctx),
});
