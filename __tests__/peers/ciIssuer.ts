/**
 * A GitHub-Actions-style CI OIDC issuer stand-in, in-process (node:http + node:crypto, RS256):
 *   GET /ci/.well-known/jwks                 JWKS  (also /ci/jwks)
 *   GET /ci/.well-known/openid-configuration discovery
 *   GET /_apis/idtoken?audience=X            {"count":1,"value":JWT} with `Authorization: Bearer <requestToken>`
 *                                            (what @actions/core getIDToken() calls via ACTIONS_ID_TOKEN_REQUEST_URL)
 * It runs inside the test process: do not block the event loop (no spawnSync/execFileSync) while a
 * server such as oidc-provider is fetching its JWKS.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CiIssuerHandle {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** the `iss` of minted tokens: `${url}/ci` */
  issuer: string;
  jwksUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL value */
  idTokenRequestUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN value */
  requestToken: string;
  /** Mint a GitHub-shaped RS256 JWT; `claims` override the defaults (sub, repository, ...). */
  mint(audience: string, claims?: Record<string, unknown>, expiresInSec?: number): string;
  /** Mint with a key that is NOT in the JWKS (a forged token). */
  mintForged(audience: string, claims?: Record<string, unknown>): string;
  stop(): Promise<void>;
}

export function available(): string | null {
  return null;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function rs256(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
}

export async function start(
  opts: { requestToken?: string; claims?: Record<string, unknown> } = {},
): Promise<CiIssuerHandle> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forged = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const kid = 'ci-issuer-1';
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] };
  const requestToken = opts.requestToken ?? `runner-${randomUUID()}`;
  let issuer = '';

  const claimsFor = (aud: string, extra: Record<string, unknown> = {}, ttl = 300) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      jti: randomUUID(),
      iss: issuer,
      aud,
      iat: now,
      nbf: now - 5,
      exp: now + ttl,
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      repository: 'octo-org/octo-repo',
      repository_owner: 'octo-org',
      ref: 'refs/heads/main',
      sha: 'a'.repeat(40),
      environment: 'production',
      workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
      runner_environment: 'github-hosted',
      actor: 'octocat',
      event_name: 'push',
      ...opts.claims,
      ...extra,
    };
  };

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (u.pathname === '/ci/.well-known/jwks' || u.pathname === '/ci/jwks') return json(200, jwks);
    if (u.pathname === '/ci/.well-known/openid-configuration')
      return json(200, {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks`,
        subject_types_supported: ['public'],
        response_types_supported: ['id_token'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    if (u.pathname === '/_apis/idtoken') {
      if (req.headers.authorization !== `Bearer ${requestToken}`)
        return json(401, { message: 'bad request token' });
      const aud = u.searchParams.get('audience') || 'https://github.com/octo-org';
      return json(200, { count: 1, value: rs256(claimsFor(aud), privateKey, kid) });
    }
    return json(404, { message: 'not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  issuer = `${url}/ci`;
  return {
    url,
    issuer,
    jwksUrl: `${url}/ci/.well-known/jwks`,
    idTokenRequestUrl: `${url}/_apis/idtoken?api-version=2.0`,
    requestToken,
    mint: (aud, claims, ttl) => rs256(claimsFor(aud, claims, ttl), privateKey, kid),
    mintForged: (aud, claims) => rs256(claimsFor(aud, claims), forged, kid),
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
