import * as core from './runner.js';
import path from 'node:path';
import { createContext } from '../core/context.js';
import { toFailure } from '../core/errors.js';
import { removeEmptyDirs } from '../core/fsutil.js';
import { logout } from '../core/session.js';
import { isJobStore } from '../core/store.js';
import { removeLauncher } from './launcher.js';
import type { PostState } from './main.js';

/** Undo what the main step wrote: tool files restored, store entries and the CLI shim removed. */
async function post(): Promise<void> {
  try {
    const raw = core.getState('deploy-login');
    if (!raw) return;
    const state = JSON.parse(raw) as PostState;
    if (!state.cleanup) {
      core.info('cleanup is false: leaving the credential files in place.');
      return;
    }
    if (!state.storePath) return;
    const ctx = createContext({
      storePath: state.storePath,
      log: (l) => core.info(l),
      idToken: async () => '',
    });
    // Only this step's targets: other legs sharing the machine (and its tool files) keep theirs.
    if (state.targets.length) {
      const r = await logout(ctx, { targets: state.targets });
      core.info(
        `deploy-login: logged out of ${r.removed.join(', ') || state.targets.join(', ')}; undid ${r.restoredFiles.length} file change(s).`,
      );
      // The job's own store directory (the default in Actions, named for us) goes once it is
      // empty; a directory chosen with DEPLOY_LOGIN_CONFIG is the user's and stays.
      if (isJobStore(state.storePath, process.env)) await removeEmptyDirs([path.dirname(state.storePath)]);
    }
    // Only the directory main created for the launcher: removeLauncher checks it is one.
    if (state.binDir && !(await removeLauncher(state.binDir))) {
      core.info(
        `deploy-login: left ${state.binDir} alone: it is not a launcher directory this action created.`,
      );
    }
  } catch (err) {
    // A cleanup failure must not fail the job, but must be visible.
    core.warning(`deploy-login cleanup: ${toFailure(err).message}`);
  }
}

void post();
