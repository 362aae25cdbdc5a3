import type { CoreContext } from './context.js';
import { type UpdateOptions } from './store.js';
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
export declare function guardStoreDir(ctx: Pick<CoreContext, 'storePath' | 'env' | 'home' | 'platform' | 'warn'>): Promise<void>;
/** What every store write of a context passes to updateStore: the directory's guard, and durability. */
export declare const storeWriteOptions: (ctx: Pick<CoreContext, "storePath" | "env" | "home" | "platform" | "warn">) => Pick<UpdateOptions, "guardDir" | "durable">;
