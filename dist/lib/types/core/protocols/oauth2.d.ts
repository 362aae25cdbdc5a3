import type { HttpResponse } from '../http.js';
import type { Credentials, TargetSpec } from '../target.js';
import type { Protocol, ProtocolDeps } from './types.js';
export interface AuthServerMetadata {
    token_endpoint: string;
    device_authorization_endpoint?: string;
    revocation_endpoint?: string;
}
/**
 * RFC 8414 first (the well-known segment goes between host and path), then OIDC discovery.
 * Skipped entirely when the user gave `token-endpoint`.
 */
export declare function discover(spec: TargetSpec, deps: ProtocolDeps): Promise<AuthServerMetadata>;
/** client_secret_basic when a secret is configured, else a public client_id in the body. */
export declare function clientAuth(spec: TargetSpec, creds: Credentials): {
    headers: Record<string, string>;
    fields: Record<string, string>;
};
export declare function postForm(url: string, fields: Record<string, string>, headers: Record<string, string>, spec: TargetSpec, deps: ProtocolDeps, what?: string): Promise<HttpResponse>;
export declare const oauth2: Protocol;
