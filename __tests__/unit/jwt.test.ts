/** Expiry is read locally from `expires_in` or the JWT's own `exp`, allowing for clock skew. */
import { CLOCK_SKEW_SECONDS, decodeJwtClaims, expiryOf, isExpired } from '../../src/core/jwt';

const b64u = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${b64u({ alg: 'HS256', typ: 'JWT' })}.${b64u(claims)}.c2ln`;
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

describe('jwt', () => {
  it('decodes claims without verifying, and returns undefined for anything that is not a JWT', () => {
    expect(decodeJwtClaims(jwt({ sub: 'ci', exp: 123 }))).toEqual({ sub: 'ci', exp: 123 });
    for (const bad of [
      '',
      'opaque-token',
      'a.b',
      'a.b.c.d',
      `x.${Buffer.from('not json').toString('base64url')}.y`,
      'x..y',
    ])
      expect(decodeJwtClaims(bad)).toBeUndefined();
    expect(decodeJwtClaims(`x.${b64u(null)}.y`)).toBeUndefined();
    expect(decodeJwtClaims(`x.${b64u('str')}.y`)).toBeUndefined();
  });

  it('prefers expires_in (number or numeric string) over the JWT exp', () => {
    const token = jwt({ exp: NOW / 1000 + 10 });
    expect(expiryOf(token, 3600, NOW)?.toISOString()).toBe(new Date(NOW + 3600_000).toISOString());
    expect(expiryOf(token, '60', NOW)?.toISOString()).toBe(new Date(NOW + 60_000).toISOString());
  });

  it('falls back to exp when expires_in is missing, zero, negative or not a number', () => {
    const token = jwt({ exp: NOW / 1000 + 10 });
    for (const e of [undefined, 0, -5, 'soon', NaN, null])
      expect(expiryOf(token, e, NOW)?.toISOString()).toBe(new Date(NOW + 10_000).toISOString());
  });

  it('knows no expiry for an opaque token or a JWT without a numeric exp', () => {
    expect(expiryOf('hvs.opaque', undefined, NOW)).toBeUndefined();
    expect(expiryOf(jwt({ exp: 'tomorrow' }), undefined, NOW)).toBeUndefined();
  });

  it('counts a token as expired only past its expiry plus the clock skew', () => {
    expect(CLOCK_SKEW_SECONDS).toBe(60);
    const at = new Date(NOW);
    expect(isExpired(at, NOW - 1)).toBe(false);
    expect(isExpired(at, NOW + 59_999)).toBe(false);
    expect(isExpired(at, NOW + 60_000)).toBe(true);
    expect(isExpired(at.toISOString(), NOW + 1, 0)).toBe(true);
    expect(isExpired(at.toISOString(), NOW - 1, 0)).toBe(false);
  });

  it('treats an unknown expiry as not expired, and an unreadable one as expired', () => {
    expect(isExpired(undefined, NOW)).toBe(false);
    expect(isExpired('', NOW)).toBe(false);
    expect(isExpired('not a date', NOW)).toBe(true);
  });
});
