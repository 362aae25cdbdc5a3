import { createPrivateKey, randomUUID, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { invalidInput } from '../errors.js';
import { parseJsonSafely } from '../redact.js';
import type { Env } from '../store.js';
import type { TargetSpec } from '../target.js';

/** RFC 7523 §2.2: a JWT as client authentication (OAuth's `private_key_jwt`). */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The key itself (PEM or JWK JSON), e.g. from a CI secret, when no key file is configured. */
export const ASSERTION_KEY_ENV = 'DEPLOY_LOGIN_CLIENT_ASSERTION_KEY';

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
export function loadSigningKey(spec: Pick<TargetSpec, 'options'>, env: Env): SigningKey | undefined {
  const file =
    typeof spec.options.clientAssertionKey === 'string' ? spec.options.clientAssertionKey : undefined;
  let text: string;
  let where: string;
  if (file) {
    where = `client-assertion-key ${file}`;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw invalidInput(`${where} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
  } else if (env[ASSERTION_KEY_ENV]) {
    where = ASSERTION_KEY_ENV;
    text = env[ASSERTION_KEY_ENV]!;
  } else return undefined;

  const bad = (why: string) =>
    invalidInput(
      `${where} is not a usable private key (${why}): give a P-256 or RSA private key as a JWK or PEM.`,
    );
  let key: KeyObject;
  let jwk: (JsonWebKey & { kid?: unknown; alg?: unknown }) | undefined;
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('{')) {
      const parsed = parseJsonSafely(trimmed);
      if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object') throw bad('not valid JSON');
      jwk = parsed.value as JsonWebKey;
      if (!jwk.d) throw bad('the JWK has no private part "d"');
      key = createPrivateKey({ key: jwk, format: 'jwk' });
    } else {
      key = createPrivateKey(trimmed);
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'DeployLoginError') throw err;
    throw bad('it does not parse');
  }
  let alg: SigningKey['alg'];
  if (key.asymmetricKeyType === 'rsa') alg = 'RS256';
  else if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
    alg = 'ES256';
  else throw bad(`a ${key.asymmetricKeyType ?? 'unknown'} key`);
  if (jwk?.alg !== undefined && jwk.alg !== alg)
    throw bad(`its "alg" is ${String(jwk.alg)}, expected ${alg}`);
  return { key, alg, ...(typeof jwk?.kid === 'string' ? { kid: jwk.kid } : {}) };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** A one-minute client assertion: iss = sub = the client id, aud = the token endpoint, a fresh jti. */
export function signClientAssertion(clientId: string, audience: string, k: SigningKey, now: number): string {
  const iat = Math.floor(now / 1000);
  const header = { alg: k.alg, typ: 'JWT', ...(k.kid ? { kid: k.kid } : {}) };
  const claims = {
    iss: clientId,
    sub: clientId,
    aud: audience,
    jti: randomUUID(),
    iat,
    nbf: iat,
    exp: iat + 60,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign(
    'sha256',
    Buffer.from(input),
    k.alg === 'ES256' ? { key: k.key, dsaEncoding: 'ieee-p1363' } : k.key,
  );
  return `${input}.${b64url(signature)}`;
}
