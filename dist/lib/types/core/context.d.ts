import { HttpClient, type HttpResponse } from './http.js';
import { type OidcOptions } from './oidc.js';
import type { IdTokenFetcher, ProtocolDeps } from './protocols/types.js';
import { SecretRegistry } from './redact.js';
import { type Env } from './store.js';
/** Everything the core needs from the outside world, injected so tests and shells can vary it. */
export interface CoreContext {
    env: Env;
    home: string;
    platform: NodeJS.Platform;
    storePath: string;
    http: HttpClient;
    secrets: SecretRegistry;
    /** The CI's OIDC token for an audience; the Action supplies @actions/core's. */
    idToken: IdTokenFetcher;
    now: () => number;
    log: (line: string) => void;
    warn: (line: string) => void;
}
export interface ContextOverrides extends Partial<CoreContext> {
    oidc?: OidcOptions;
    /** See HttpOptions.metadataCache: shared by the targets of one step. */
    metadataCache?: Map<string, Promise<HttpResponse>>;
}
export declare function createContext(overrides?: ContextOverrides): CoreContext;
export declare const storeDir: (ctx: CoreContext) => string;
/** What a protocol may use of the context: the same for login, refresh and the device flow. */
export declare function protocolDeps(ctx: CoreContext): ProtocolDeps;
