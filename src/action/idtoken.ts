import { invalidInput } from '../core/errors.js';
import { HttpClient, httpOptionsFromEnv } from '../core/http.js';
import { githubIdToken, GITHUB_PERMISSION_HINT } from '../core/oidc.js';
import type { IdTokenFetcher } from '../core/protocols/types.js';

/** The runner gives a job an OIDC token only with `id-token: write`; say so before anything is sent. */
export function requireIdTokenPermission(env: Record<string, string | undefined>): void {
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw invalidInput(
      `\`method: oidc\` needs GitHub's OIDC token, which this job did not get: ${GITHUB_PERMISSION_HINT}.`,
    );
  }
}

/**
 * GitHub's OIDC token for an audience, fetched with the core's HTTP client: the runner's request
 * URL plus `audience`, with its bearer. Network errors, 408, 429 and 5xx are retried with jittered
 * backoff within the DEPLOY_LOGIN_* retry budget; 401/403 are needs-login. (Not `@actions/core`'s
 * getIDToken: it retries fewer failures, and loading it costs every run undici; see runner.ts.)
 */
export function actionsIdToken(
  env: Record<string, string | undefined>,
  http: HttpClient = new HttpClient(httpOptionsFromEnv(env)),
): IdTokenFetcher {
  const fetchToken = githubIdToken(env, http);
  return async (audience) => {
    requireIdTokenPermission(env);
    return fetchToken(audience);
  };
}
