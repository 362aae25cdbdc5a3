import { parseJsonSafely } from './redact.js';

/** Seconds of clock skew tolerated when reading `exp`/`nbf`/`iat` (documented in docs/SECURITY.md). */
export const CLOCK_SKEW_SECONDS = 60;

export interface JwtClaims {
  exp?: number;
  nbf?: number;
  iat?: number;
  [claim: string]: unknown;
}

/** Read a JWT's claims locally, without verifying it: only to learn when it expires. */
export function decodeJwtClaims(token: string): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  let json: string;
  try {
    json = Buffer.from(parts[1], 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
  const parsed = parseJsonSafely(json);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
  return parsed.value as JwtClaims;
}

/** Expiry from `expires_in` when given, else from the JWT's own `exp`. */
export function expiryOf(token: string, expiresInSeconds: unknown, now: number): Date | undefined {
  // A Date beyond what Date can hold (exp 1e20, expires_in 1e300) is "Invalid Date": no expiry known.
  const valid = (d: Date) => (Number.isNaN(d.getTime()) ? undefined : d);
  const n = typeof expiresInSeconds === 'string' ? Number(expiresInSeconds) : expiresInSeconds;
  if (typeof n === 'number' && Number.isFinite(n) && n > 0) return valid(new Date(now + n * 1000));
  const exp = decodeJwtClaims(token)?.exp;
  if (typeof exp === 'number' && Number.isFinite(exp)) return valid(new Date(exp * 1000));
  return undefined;
}

/** Expired, allowing for clock skew between us and the issuer. */
export function isExpired(
  expiresAt: string | Date | undefined,
  now: number,
  skewSeconds = CLOCK_SKEW_SECONDS,
): boolean {
  if (!expiresAt) return false;
  const t = typeof expiresAt === 'string' ? Date.parse(expiresAt) : expiresAt.getTime();
  if (Number.isNaN(t)) return true;
  return t + skewSeconds * 1000 <= now;
}

/**
 * What a just-issued token's time claims say about the clocks (the rules are in docs/SECURITY.md,
 * "Clocks"). Nothing here refuses a token: the issuer judges its own tokens by its own clock. A
 * token already expired beyond the tolerance is refused earlier (grantOf); these are the warnings
 * for what lies within it, or for an issuer whose clock runs ahead of ours.
 */
export function clockWarnings(
  token: string,
  expiresAt: string | undefined,
  now: number,
  skewSeconds = CLOCK_SKEW_SECONDS,
): string[] {
  const out: string[] = [];
  const t = expiresAt ? Date.parse(expiresAt) : NaN;
  if (!Number.isNaN(t) && t <= now) {
    out.push(
      `The new token expires at ${expiresAt}, which this machine's clock has already passed (by ${Math.ceil((now - t) / 1000)} s, within the ${skewSeconds} s clock-skew tolerance): "status" will say it needs login; check the clocks here and at the issuer (NTP).`,
    );
  }
  const claims = decodeJwtClaims(token);
  const ahead = Math.max(
    ...(['nbf', 'iat'] as const).map((k) => {
      const v = claims?.[k];
      return typeof v === 'number' && Number.isFinite(v) ? v - now / 1000 : -Infinity;
    }),
  );
  if (ahead > skewSeconds) {
    out.push(
      `The new token was issued ${Math.round(ahead)} s in the future by this machine's clock (more than the ${skewSeconds} s tolerance): the issuer's clock or this one is wrong, so the expiry shown may be off; check the clocks (NTP).`,
    );
  }
  return out;
}
