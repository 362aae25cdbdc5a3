import { invalidInput, needsLogin } from './errors.js';
import type { HttpClient } from './http.js';
import { ensureOk } from './protocols/responses.js';
import type { IdTokenFetcher } from './protocols/types.js';
import type { Env } from './store.js';

export const OIDC_SOURCES = [
  'github',
  'gitlab',
  'circleci',
  'bitbucket',
  'buildkite',
  'azure',
  'env',
  'file',
] as const;
export type OidcSourceName = (typeof OIDC_SOURCES)[number];

export interface OidcOptions {
  source?: string;
  /** GitLab `id_tokens` variable, or the variable for the `env` source. */
  idTokenEnv?: string;
  idTokenFile?: string;
  insecure?: boolean;
}

export const GITHUB_PERMISSION_HINT =
  'add `permissions: id-token: write` to the workflow or job (pull requests from forks and Dependabot runs never get an OIDC token: use a password or token secret there)';

/** GitHub's request: the runner's URL (already carrying a query) plus `audience`, with its bearer. */
export function githubIdToken(env: Env, http: HttpClient): IdTokenFetcher {
  return async (audience) => {
    const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!url || !bearer)
      throw invalidInput(`GitHub Actions did not provide an OIDC token: ${GITHUB_PERMISSION_HINT}.`);
    const u = new URL(url);
    u.searchParams.set('audience', audience);
    const res = await http.request({
      method: 'GET',
      url: u.href,
      what: "GitHub's OIDC token service",
      headers: { authorization: `Bearer ${bearer}` },
    });
    if (res.status === 401 || res.status === 403) {
      throw needsLogin(
        `GitHub's OIDC token service refused the runner's request token (HTTP ${res.status}).`,
      );
    }
    const body = ensureOk(res, "GitHub's OIDC token service");
    if (typeof body.value !== 'string' || !body.value) {
      throw invalidInput("GitHub's OIDC token service answered without a token.");
    }
    return body.value;
  };
}

/** Which CI we are on, in the contract's order, unless told. */
export function detectOidcSource(env: Env, opts: OidcOptions): OidcSourceName | undefined {
  if (opts.source) return opts.source as OidcSourceName;
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL) return 'github';
  if (env[opts.idTokenEnv || 'DEPLOY_LOGIN_ID_TOKEN'] && env.GITLAB_CI) return 'gitlab';
  if (env.CIRCLE_OIDC_TOKEN_V2 || env.CIRCLE_OIDC_TOKEN) return 'circleci';
  if (env.BITBUCKET_STEP_OIDC_TOKEN) return 'bitbucket';
  if (env.BUILDKITE === 'true' || env.BUILDKITE_AGENT_ACCESS_TOKEN) return 'buildkite';
  if (env.SYSTEM_OIDCREQUESTURI) return 'azure';
  if (env[opts.idTokenEnv || 'DEPLOY_LOGIN_ID_TOKEN']) return 'env';
  if (opts.idTokenFile) return 'file';
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  return undefined;
}

export const NO_OIDC_SOURCE =
  'No CI OIDC token was found. GitHub Actions: ' +
  GITHUB_PERMISSION_HINT +
  '; GitLab: declare `id_tokens: DEPLOY_LOGIN_ID_TOKEN: aud: ...`; CircleCI: CIRCLE_OIDC_TOKEN_V2 is set in jobs with a context or project OIDC; Bitbucket: `oidc: true` on the step; Buildkite: run on an agent with `buildkite-agent oidc`; Azure Pipelines: map SYSTEM_ACCESSTOKEN into the step; elsewhere pass --id-token-env or --id-token-file.';

/** Resolve a fetcher for the detected source; other CIs' sources load on demand. */
export async function ciIdTokenFetcher(
  env: Env,
  http: HttpClient,
  opts: OidcOptions = {},
): Promise<IdTokenFetcher> {
  const source = detectOidcSource(env, opts);
  if (!source) return async () => Promise.reject(invalidInput(NO_OIDC_SOURCE));
  if (!(OIDC_SOURCES as readonly string[]).includes(source)) {
    throw invalidInput(`--oidc-source "${source}" is not one of: ${OIDC_SOURCES.join(', ')}.`);
  }
  if (source === 'github') return githubIdToken(env, http);
  const { otherCiFetcher } = await import('./oidc-sources.js');
  return otherCiFetcher(source, env, http, opts);
}
