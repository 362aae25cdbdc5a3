import type { HttpClient } from '../http.js';
import type { SecretRegistry } from '../redact.js';
import type { Env } from '../store.js';
import type { Credentials, Method, TargetSpec } from '../target.js';

/** What a login yields: the deployment token and what we know about its life. */
export interface Grant {
  token: string;
  expiresAt?: string;
  refreshToken?: string;
  username?: string;
}

/** Fetches the CI's OIDC token for an audience, right before it is exchanged. */
export type IdTokenFetcher = (audience: string) => Promise<string>;

export interface ProtocolDeps {
  http: HttpClient;
  idToken: IdTokenFetcher;
  secrets: SecretRegistry;
  env: Env;
  now: () => number;
  log: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface RefreshInput {
  spec: TargetSpec;
  token: string;
  refreshToken: string;
}

export interface Protocol {
  name: TargetSpec['protocol'];
  methods: Method[];
  obtain(spec: TargetSpec, creds: Credentials, deps: ProtocolDeps): Promise<Grant>;
  refresh?(input: RefreshInput, creds: Credentials, deps: ProtocolDeps): Promise<Grant>;
}
