import type { HttpClient } from './http.js';
import type { IdTokenFetcher } from './protocols/types.js';
import type { Env } from './store.js';
export declare const OIDC_SOURCES: readonly ["github", "gitlab", "circleci", "bitbucket", "buildkite", "azure", "env", "file"];
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
export declare const DEFAULT_ID_TOKEN_ENV = "DEPLOY_LOGIN_ID_TOKEN";
export declare const GITHUB_PERMISSION_HINT = "add `permissions: id-token: write` to the workflow or job (pull requests from forks and Dependabot runs never get an OIDC token: use a password or token secret there)";
/**
 * A CI token service's URL from the variable the CI sets: one that does not parse is the job's
 * environment to fix (exit 2), not a bug.
 */
export declare function serviceUrl(raw: string, variable: string): URL;
/** GitHub's request: the runner's URL (already carrying a query) plus `audience`, with its bearer. */
export declare function githubIdToken(env: Env, http: HttpClient): IdTokenFetcher;
/**
 * Which token source to use: a source, file or variable the user named wins; otherwise the CI we
 * are on, in the contract's order (GitHub, GitLab, CircleCI, Bitbucket, Buildkite, Azure).
 */
export declare function detectOidcSource(env: Env, opts: OidcOptions): OidcSourceName | undefined;
/** What each CI needs before it hands a job an OIDC token: the message when none was found. */
export declare const NO_OIDC_SOURCE: string;
/** Resolve a fetcher for the detected source; other CIs' sources load on demand. */
export declare function ciIdTokenFetcher(env: Env, http: HttpClient, opts?: OidcOptions): Promise<IdTokenFetcher>;
