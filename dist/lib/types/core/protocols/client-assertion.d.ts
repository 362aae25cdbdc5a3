import { type KeyObject } from 'node:crypto';
import type { Env } from '../store.js';
import type { TargetSpec } from '../target.js';
/** RFC 7523 §2.2: a JWT as client authentication (OAuth's `private_key_jwt`). */
export declare const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** The key itself (PEM or JWK JSON), e.g. from a CI secret, when no key file is configured. */
export declare const ASSERTION_KEY_ENV = "DEPLOY_LOGIN_CLIENT_ASSERTION_KEY";
export interface SigningKey {
    key: KeyObject;
    alg: 'ES256' | 'RS256';
    kid?: string;
}
/**
 * The client's signing key: the `client-assertion-key` file, else the key in
 * DEPLOY_LOGIN_CLIENT_ASSERTION_KEY; undefined when neither is configured. JWK (with its `kid`)
 * or PEM (PKCS#8, SEC1 or PKCS#1); P-256 keys sign ES256, RSA keys RS256.
 */
export declare function loadSigningKey(spec: Pick<TargetSpec, 'options'>, env: Env): SigningKey | undefined;
/** A one-minute client assertion: iss = sub = the client id, aud = the token endpoint, a fresh jti. */
export declare function signClientAssertion(clientId: string, audience: string, k: SigningKey, now: number): string;
