import type { Protocol } from './types.js';
/** One `WWW-Authenticate` challenge: its scheme and parameters (`realm`, `service`, ...). */
export interface Challenge {
    scheme: string;
    params: Record<string, string>;
}
/** Parse `Bearer realm="https://auth.example/token",service="registry.example"` (quoted or bare values). */
export declare function parseChallenge(header: string | undefined): Challenge | undefined;
/**
 * A container registry (Docker Registry HTTP API v2: GHCR, Docker Hub, distribution, Harbor...),
 * `url` = the registry's API origin. Like `docker login`, the credential is checked before it is
 * stored: `GET /v2/` says how the registry authenticates.
 *  - `Basic`: `GET /v2/` again with the credential; 2xx = good.
 *  - `Bearer realm=...,service=...` (token auth): `GET realm?service=&offline_token=true` with the
 *    credential as Basic; 2xx = good. When the realm hands out a refresh token (offline_token),
 *    that identity token is stored instead of the secret (docker's `identitytoken`).
 * The credential is `username` + password (method password), `username` (default
 * `oauth2accesstoken`) + a token (method token), or `oidc` + the CI's JWT (method oidc; audience
 * = the realm's `service` unless `audience` is set): the convention token realms use to accept a
 * CI identity. The default format is docker (`auths[host]` in config.json).
 */
export declare const dockerRegistry: Protocol;
