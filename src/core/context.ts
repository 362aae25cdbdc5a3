import path from 'node:path';
import { homeOf } from './home.js';
import { HttpClient, httpOptionsFromEnv, type HttpResponse } from './http.js';
import { ciIdTokenFetcher, type OidcOptions } from './oidc.js';
import type { IdTokenFetcher, ProtocolDeps } from './protocols/types.js';
import { SecretRegistry } from './redact.js';
import { storePath, type Env } from './store.js';

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

export function createContext(overrides: ContextOverrides = {}): CoreContext {
  const env = overrides.env ?? process.env;
  const home = overrides.home ?? homeOf(env);
  const log = overrides.log ?? (() => undefined);
  const http =
    overrides.http ??
    new HttpClient({ ...httpOptionsFromEnv(env), log, metadataCache: overrides.metadataCache });
  const warn = overrides.warn ?? log;
  const oidc: OidcOptions = { warn, ...overrides.oidc };
  const ctx: CoreContext = {
    env,
    home,
    platform: overrides.platform ?? process.platform,
    storePath: overrides.storePath ?? storePath(env, home),
    http,
    secrets: overrides.secrets ?? new SecretRegistry(),
    idToken: overrides.idToken ?? (async (aud) => (await ciIdTokenFetcher(env, http, oidc))(aud)),
    now: overrides.now ?? Date.now,
    log,
    warn,
  };
  return ctx;
}

export const storeDir = (ctx: CoreContext): string => path.dirname(ctx.storePath);

/** What a protocol may use of the context: the same for login, refresh and the device flow. */
export function protocolDeps(ctx: CoreContext): ProtocolDeps {
  return {
    http: ctx.http,
    idToken: ctx.idToken,
    secrets: ctx.secrets,
    env: ctx.env,
    now: ctx.now,
    log: ctx.log,
  };
}
