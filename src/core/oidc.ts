import { invalidInput, needsLogin, unavailable } from './errors.js';
import type { HttpClient } from './http.js';
import { CLOCK_SKEW_SECONDS, decodeJwtClaims, isExpired } from './jwt.js';
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
  /** Azure Pipelines: the service connection the token is issued for. */
  azureServiceConnection?: string;
  insecure?: boolean;
  /** Where to say that a CI's fixed-audience token does not carry the audience we asked for. */
  warn?: (line: string) => void;
}

/** The variable GitLab's `id_tokens` entry is named by default (and the generic `env` source's). */
export const DEFAULT_ID_TOKEN_ENV = 'DEPLOY_LOGIN_ID_TOKEN';

export const GITHUB_PERMISSION_HINT =
  'add `permissions: id-token: write` to the workflow or job (pull requests from forks and Dependabot runs never get an OIDC token: use a password or token secret there)';

/**
 * A CI token service's URL from the variable the CI sets: one that does not parse is the job's
 * environment to fix (exit 2), not a bug.
 */
export function serviceUrl(raw: string, variable: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw invalidInput(
      `${variable} is not a URL: the CI sets it for its OIDC token service; fix or unset it in the job's environment.`,
    );
  }
}

/** GitHub's request: the runner's URL (already carrying a query) plus `audience`, with its bearer. */
export function githubIdToken(env: Env, http: HttpClient): IdTokenFetcher {
  return async (audience) => {
    const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!url || !bearer)
      throw invalidInput(`GitHub Actions did not provide an OIDC token: ${GITHUB_PERMISSION_HINT}.`);
    const u = serviceUrl(url, 'ACTIONS_ID_TOKEN_REQUEST_URL');
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
    // A 200 without a token, or with one already dead, is the service misbehaving, not the user's input.
    if (typeof body.value !== 'string' || !body.value) {
      throw unavailable("GitHub's OIDC token service answered without a token; try again later.");
    }
    const exp = decodeJwtClaims(body.value)?.exp;
    const expiresAt = typeof exp === 'number' ? new Date(exp * 1000) : undefined;
    if (expiresAt && !Number.isNaN(expiresAt.getTime()) && isExpired(expiresAt, Date.now())) {
      throw unavailable(
        `GitHub's OIDC token service issued a token that had already expired (at ${expiresAt.toISOString()}, beyond ${CLOCK_SKEW_SECONDS} s of clock skew); check this machine's clock and try again later.`,
      );
    }
    return body.value;
  };
}

/**
 * Which token source to use: a source, file or variable the user named wins; otherwise the CI we
 * are on, in the contract's order (GitHub, GitLab, CircleCI, Bitbucket, Buildkite, Azure).
 */
export function detectOidcSource(env: Env, opts: OidcOptions): OidcSourceName | undefined {
  if (opts.source) return opts.source as OidcSourceName;
  const idTokenVar = opts.idTokenEnv || DEFAULT_ID_TOKEN_ENV;
  if (opts.idTokenFile) return 'file';
  if (opts.idTokenEnv && env[idTokenVar]) return env.GITLAB_CI ? 'gitlab' : 'env';
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL) return 'github';
  // The contract's second place is GitLab's `id_tokens` variable (DEPLOY_LOGIN_ID_TOKEN by
  // default), whether or not GITLAB_CI says where we are: a job that set it means it.
  if (env[idTokenVar]) return env.GITLAB_CI ? 'gitlab' : 'env';
  if (env.CIRCLE_OIDC_TOKEN_V2 || env.CIRCLE_OIDC_TOKEN) return 'circleci';
  if (env.BITBUCKET_STEP_OIDC_TOKEN) return 'bitbucket';
  if (env.BUILDKITE === 'true' || env.BUILDKITE_AGENT_ACCESS_TOKEN) return 'buildkite';
  if (env.SYSTEM_OIDCREQUESTURI) return 'azure';
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  // A variable the user named, though empty: the error then names it.
  if (opts.idTokenEnv) return env.GITLAB_CI ? 'gitlab' : 'env';
  return undefined;
}

/** The CI we run on, by its ordinary variables, to lead the "no token" message with what it needs. */
function ciHint(env: Env, opts: OidcOptions): string {
  const v = opts.idTokenEnv || DEFAULT_ID_TOKEN_ENV;
  if (env.GITLAB_CI)
    return `This is GitLab CI, but $${v} is empty: declare \`id_tokens: { ${v}: { aud: AUDIENCE } }\` in the job (or name your variable with --id-token-env).`;
  if (env.CIRCLECI)
    return 'This is CircleCI, but CIRCLE_OIDC_TOKEN_V2 is not set: run the job with a context, or enable OIDC for the project.';
  if (env.BITBUCKET_BUILD_NUMBER)
    return 'This is Bitbucket Pipelines, but BITBUCKET_STEP_OIDC_TOKEN is not set: add `oidc: true` to the step.';
  if (env.TF_BUILD)
    return 'This is Azure Pipelines, but SYSTEM_OIDCREQUESTURI is not set: use a service connection with workload identity federation on a current agent.';
  return '';
}
/** What each CI needs before it hands a job an OIDC token: the message when none was found. */
export const NO_OIDC_SOURCE =
  'No CI OIDC token was found. ' +
  `GitHub Actions: ${GITHUB_PERMISSION_HINT}; ` +
  `GitLab CI: declare \`id_tokens: { ${DEFAULT_ID_TOKEN_ENV}: { aud: AUDIENCE } }\` in the job (or name your own variable with --id-token-env); ` +
  'CircleCI: run the job with a context (or project OIDC) so CIRCLE_OIDC_TOKEN_V2 is set; ' +
  'Bitbucket Pipelines: add `oidc: true` to the step (BITBUCKET_STEP_OIDC_TOKEN); ' +
  'Buildkite: run on an agent where `buildkite-agent oidc request-token` works; ' +
  'Azure Pipelines: map `SYSTEM_ACCESSTOKEN: $(System.AccessToken)` into the step env and give --azure-service-connection; ' +
  'elsewhere: --id-token-env VAR or --id-token-file FILE.';

/** Resolve a fetcher for the detected source; other CIs' sources load on demand. */
export async function ciIdTokenFetcher(
  env: Env,
  http: HttpClient,
  opts: OidcOptions = {},
): Promise<IdTokenFetcher> {
  const source = detectOidcSource(env, opts);
  if (!source) return async () => Promise.reject(invalidInput(ciHint(env, opts) || NO_OIDC_SOURCE));
  if (!(OIDC_SOURCES as readonly string[]).includes(source)) {
    throw invalidInput(`--oidc-source "${source}" is not one of: ${OIDC_SOURCES.join(', ')}.`);
  }
  if (source === 'github') return githubIdToken(env, http);
  const { otherCiFetcher } = await import('./oidc-sources.js');
  return otherCiFetcher(source, env, http, opts);
}
