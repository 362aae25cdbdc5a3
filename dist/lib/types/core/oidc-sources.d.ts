import type { HttpClient } from './http.js';
import type { OidcOptions, OidcSourceName } from './oidc.js';
import type { IdTokenFetcher } from './protocols/types.js';
import { type Env } from './store.js';
/** Azure Pipelines' OIDC API version; `api-version` is required (400 without it). */
export declare const AZURE_OIDC_API_VERSION = "7.1";
/** Where the Azure service connection id comes from when --azure-service-connection is not given. */
export declare const AZURE_CONNECTION_VARS: readonly ["DEPLOY_LOGIN_AZURE_SERVICE_CONNECTION_ID", "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"];
/**
 * CIs other than GitHub. GitLab, CircleCI and Bitbucket inject a ready token whose audience was
 * fixed by the pipeline's config (or by the CI itself), and Azure's is always
 * api://AzureADTokenExchange: those are checked against the audience we were asked for, with a
 * warning (not a failure: the target decides). Buildkite is asked for the audience, like GitHub.
 */
export declare function otherCiFetcher(source: OidcSourceName, env: Env, http: HttpClient, opts: OidcOptions): IdTokenFetcher;
/** The token's `aud` (a string or a list) against the audience we wanted; a mismatch is a warning. */
export declare function warnOnAudience(token: string, wanted: string, ci: string, warn: ((line: string) => void) | undefined): void;
/**
 * Buildkite: `buildkite-agent oidc request-token --audience AUD` prints the JWT. Spawned without
 * a shell, stdin closed, bounded in time; the agent finds its own job credentials in the env.
 */
export declare function buildkiteIdToken(env: Env, agent?: string, timeoutMs?: number): IdTokenFetcher;
/**
 * Azure Pipelines: POST ${SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=ID with the
 * job's System.AccessToken (mapped into the env as SYSTEM_ACCESSTOKEN) → {"oidcToken"}.
 */
export declare function azureIdToken(env: Env, http: HttpClient, opts: OidcOptions): IdTokenFetcher;
