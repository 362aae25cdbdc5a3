import * as core from '@actions/core';
import { DeployLoginError, invalidInput, needsLogin, unavailable } from '../core/errors.js';
import { GITHUB_PERMISSION_HINT } from '../core/oidc.js';
import type { IdTokenFetcher } from '../core/protocols/types.js';

/**
 * @actions/core's getIDToken retries only 502/503/504 on GETs; wrap it so network errors,
 * 408, 429 and 500 are retried too, with jittered backoff, and failures get our outcomes.
 */
export function actionsIdToken(
  env: Record<string, string | undefined>,
  opts: { attempts?: number; baseMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): IdTokenFetcher {
  const attempts = opts.attempts ?? 4;
  const baseMs = opts.baseMs ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  return async (audience) => {
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      throw invalidInput(
        `\`method: oidc\` needs GitHub's OIDC token, which this job did not get: ${GITHUB_PERMISSION_HINT}.`,
      );
    }
    let last: DeployLoginError | undefined;
    for (let i = 1; i <= attempts; i++) {
      try {
        return await core.getIDToken(audience);
      } catch (err) {
        const text = err instanceof Error ? err.message : String(err);
        const code = Number(/Error Code\s*:\s*(\d{3})/.exec(text)?.[1] ?? NaN);
        const transient = Number.isNaN(code) || code === 408 || code === 429 || code >= 500;
        if (!transient) {
          throw needsLogin(`GitHub's OIDC token service refused the request (HTTP ${code}).`);
        }
        last = unavailable(
          `GitHub's OIDC token service kept failing (${Number.isNaN(code) ? 'network error' : `HTTP ${code}`}) after ${i} attempt${i === 1 ? '' : 's'}; try again later.`,
        );
        if (i < attempts) await sleep(Math.random() * baseMs * 2 ** (i - 1));
      }
    }
    throw last!;
  };
}
