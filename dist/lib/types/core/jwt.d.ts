/** Seconds of clock skew tolerated when reading `exp`/`nbf`/`iat` (documented in docs/SECURITY.md). */
export declare const CLOCK_SKEW_SECONDS = 60;
export interface JwtClaims {
    exp?: number;
    nbf?: number;
    iat?: number;
    [claim: string]: unknown;
}
/** Read a JWT's claims locally, without verifying it: only to learn when it expires. */
export declare function decodeJwtClaims(token: string): JwtClaims | undefined;
/** Expiry from `expires_in` when given, else from the JWT's own `exp`. */
export declare function expiryOf(token: string, expiresInSeconds: unknown, now: number): Date | undefined;
/** Expired, allowing for clock skew between us and the issuer. */
export declare function isExpired(expiresAt: string | Date | undefined, now: number, skewSeconds?: number): boolean;
/**
 * What a just-issued token's time claims say about the clocks (the rules are in docs/SECURITY.md,
 * "Clocks"). Nothing here refuses a token: the issuer judges its own tokens by its own clock. A
 * token already expired beyond the tolerance is refused earlier (grantOf); these are the warnings
 * for what lies within it, or for an issuer whose clock runs ahead of ours.
 */
export declare function clockWarnings(token: string, expiresAt: string | undefined, now: number, skewSeconds?: number): string[];
