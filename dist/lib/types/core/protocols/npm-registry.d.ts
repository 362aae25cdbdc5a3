import type { Protocol } from './types.js';
/**
 * An npm registry (npmjs.org, verdaccio, Nexus, Artifactory...), `url` = the registry URL.
 *  - password: npm's legacy login, `PUT {registry}/-/user/org.couchdb.user:NAME` with the user's
 *    Basic credentials (what `npm login --auth-type=legacy` ends with) -> `{token}`. An existing
 *    account is never created: without Basic the registry would treat the PUT as a sign-up.
 *  - token: an npm access token, stored as is.
 *  - oidc: npm trusted publishing (npm/cli `lib/utils/oidc.js`): the CI's JWT for audience
 *    `npm:<registry host>` goes to `POST {registry}/-/npm/v1/oidc/token/exchange/package/<name>`
 *    as a bearer, and the answer's `{token}` is a short-lived publish token for that one package.
 * The default format is npmrc (`//host/path/:_authToken=`).
 */
export declare const npmRegistry: Protocol;
/** `@scope/name` -> `@scope%2fname`, as npm-package-arg's escapedName. */
export declare function escapedPackageName(name: string): string;
