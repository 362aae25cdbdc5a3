/**
 * Peer: panva oidc-provider 9 (dev/oidc-provider.mjs) as a real OAuth 2.0 server, run on the Node 24 binary.
 *  - device flow (RFC 8628): clients `device-cli` (JWT access token, aud = resource) and `kube-cli`
 *    (opaque token accepted by `GET /me`); approveDevice(userCode) plays the user in the dev login pages
 *  - client_credentials + private_key_jwt: client `ci-deployer`, ES256 key generated here (ciClientKey)
 *  - RFC 8693 token exchange: clients `exchanger` (client_secret_post) and `exchanger-public`; the
 *    subject_token must verify against `subjectJwksUrl`
 * Discovery: `${url}/.well-known/openid-configuration`.
 */
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type JsonWebKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  REPO_ROOT,
  freePort,
  httpStatus,
  makeTempDir,
  nodeBinary,
  removeDir,
  startServer,
  waitFor,
} from './common';

const SCRIPT = path.join(REPO_ROOT, 'dev', 'oidc-provider.mjs');
const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

export const OIDC_RESOURCE = 'https://deploy.example.test';
export const OIDC_CLIENTS = {
  device: 'device-cli',
  kube: 'kube-cli',
  ciDeployer: 'ci-deployer',
  exchanger: 'exchanger',
  exchangerPublic: 'exchanger-public',
} as const;
export const EXCHANGER_SECRET = 'exchanger-secret';
export const GRANT_TYPES = { tokenExchange: TE, deviceCode: DEVICE } as const;

export interface OidcProviderOptions {
  /** JWKS URL of the CI OIDC issuer whose JWTs token exchange accepts (e.g. `<dev target>/ci/.well-known/jwks`). */
  subjectJwksUrl?: string;
  /** required `iss` of subject tokens (unchecked when unset) */
  subjectIssuer?: string;
  /** accepted `aud` values of subject tokens (default: the request's `audience`, the issuer, the resource) */
  subjectAudiences?: string[];
  /** regex source the subject's `sub` must match (unchecked when unset) */
  subjectSubPattern?: string;
  /** access-token audience (default https://deploy.example.test) */
  resource?: string;
  /** access-token lifetime in seconds (default 600) */
  accessTokenTtl?: number;
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval?: number;
}

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface OidcProviderHandle {
  /** issuer, `http://127.0.0.1:PORT` (no trailing slash) */
  url: string;
  issuer: string;
  port: number;
  pid: number;
  dir: string;
  logFile: string;
  discoveryUrl: string;
  tokenEndpoint: string;
  deviceAuthorizationEndpoint: string;
  userinfoEndpoint: string;
  jwksUri: string;
  resource: string;
  clients: typeof OIDC_CLIENTS;
  exchangerSecret: string;
  /** ci-deployer's ES256 private JWK (kid `ci-key-1`, alg ES256): give it to the product to sign assertions */
  ciClientKey: JsonWebKey & { kid: string; alg: string };
  ciClientPublicKey: JsonWebKey & { kid: string; alg: string };
  /** An RFC 7523 client assertion for ci-deployer (aud defaults to the token endpoint; tamper breaks the signature). */
  signClientAssertion(opts?: { aud?: string; tamper?: boolean; expiresInSec?: number }): string;
  /** POST /device/auth (default client device-cli, scope `openid offline_access deploy`). */
  startDevice(clientId?: string, scope?: string): Promise<DeviceAuthorization>;
  /** One device-code poll of the token endpoint (400 authorization_pending until approved). */
  pollDevice(deviceCode: string, clientId?: string): Promise<TokenResponse>;
  /** The scripted user: open /device?user_code=..., confirm, log in (any password). Resolves when approved. */
  approveDevice(userCode: string, login?: string): Promise<void>;
  /** POST form fields to the token endpoint. */
  token(fields: Record<string, string>): Promise<TokenResponse>;
  stop(): Promise<void>;
}

export function available(): string | null {
  if (!fs.existsSync(path.join(REPO_ROOT, 'node_modules', 'oidc-provider', 'package.json')))
    return 'install oidc-provider (npm ci)';
  if (!fs.existsSync(path.join(REPO_ROOT, 'node_modules', 'jose', 'package.json')))
    return 'install jose (npm ci)';
  return null;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** Sign a compact JWS with ES256 (P-256) using node:crypto. */
export function signEs256(payload: Record<string, unknown>, jwk: JsonWebKey & { kid?: string }): string {
  const key = createPrivateKey({ key: jwk, format: 'jwk' });
  const input = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', ...(jwk.kid ? { kid: jwk.kid } : {}) }))}.${b64url(JSON.stringify(payload))}`;
  const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(sig)}`;
}

async function postForm(url: string, fields: Record<string, string>): Promise<TokenResponse> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  const text = await r.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: r.status, body };
}

/** A minimal browser: cookie jar + manual redirects. */
async function browse(
  jar: Map<string, string>,
  url: string,
  init: RequestInit = {},
): Promise<{ url: string; status: number; html: string }> {
  for (let i = 0; i < 15; i++) {
    const headers = {
      ...(init.headers as Record<string, string> | undefined),
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
    };
    const r = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of r.headers.getSetCookie()) {
      const [kv = ''] = c.split(';');
      const eq = kv.indexOf('=');
      jar.set(kv.slice(0, eq).trim(), kv.slice(eq + 1));
    }
    if (r.status >= 300 && r.status < 400) {
      await r.arrayBuffer();
      url = new URL(r.headers.get('location') ?? '/', url).href;
      init = {};
      continue;
    }
    return { url, status: r.status, html: await r.text() };
  }
  throw new Error('approveDevice: too many redirects');
}

export async function start(opts: OidcProviderOptions = {}): Promise<OidcProviderHandle> {
  const dir = makeTempDir('oidc');
  try {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ciClientKey = { ...privateKey.export({ format: 'jwk' }), kid: 'ci-key-1', alg: 'ES256' };
    const ciClientPublicKey = { ...publicKey.export({ format: 'jwk' }), kid: 'ci-key-1', alg: 'ES256' };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ISSUER: issuer,
      CI_CLIENT_JWK: JSON.stringify(ciClientPublicKey),
      EXCHANGER_SECRET,
      RESOURCE: opts.resource ?? OIDC_RESOURCE,
      ACCESS_TOKEN_TTL: String(opts.accessTokenTtl ?? 600),
      SUBJECT_JWKS: opts.subjectJwksUrl ?? '',
      SUBJECT_ISS: opts.subjectIssuer ?? '',
      SUBJECT_AUD: (opts.subjectAudiences ?? []).join(','),
      SUBJECT_SUB_PATTERN: opts.subjectSubPattern ?? '',
      NODE_ENV: 'development',
    };
    const logFile = path.join(dir, 'oidc-provider.log');
    const proc = startServer(nodeBinary(), [SCRIPT], { cwd: dir, env, logFile });
    try {
      await waitFor(
        'oidc-provider',
        async () => (await httpStatus(`${issuer}/.well-known/openid-configuration`)) === 200,
        {
          logFile,
          proc,
          timeoutMs: 20000,
        },
      );
    } catch (e) {
      await proc.stop('SIGKILL');
      throw e;
    }
    const tokenEndpoint = `${issuer}/token`;
    const handle: OidcProviderHandle = {
      url: issuer,
      issuer,
      port,
      pid: proc.pid,
      dir,
      logFile,
      discoveryUrl: `${issuer}/.well-known/openid-configuration`,
      tokenEndpoint,
      deviceAuthorizationEndpoint: `${issuer}/device/auth`,
      userinfoEndpoint: `${issuer}/me`,
      jwksUri: `${issuer}/jwks`,
      resource: opts.resource ?? OIDC_RESOURCE,
      clients: OIDC_CLIENTS,
      exchangerSecret: EXCHANGER_SECRET,
      ciClientKey,
      ciClientPublicKey,
      signClientAssertion({ aud, tamper, expiresInSec } = {}) {
        const now = Math.floor(Date.now() / 1000);
        const jws = signEs256(
          {
            iss: OIDC_CLIENTS.ciDeployer,
            sub: OIDC_CLIENTS.ciDeployer,
            aud: aud ?? tokenEndpoint,
            jti: randomUUID(),
            iat: now,
            exp: now + (expiresInSec ?? 60),
          },
          ciClientKey,
        );
        return tamper ? `${jws.slice(0, -4)}AAAA` : jws;
      },
      async startDevice(clientId = OIDC_CLIENTS.device, scope = 'openid offline_access deploy') {
        const r = await postForm(`${issuer}/device/auth`, { client_id: clientId, scope });
        if (r.status !== 200) throw new Error(`device/auth: ${r.status} ${JSON.stringify(r.body)}`);
        return r.body as unknown as DeviceAuthorization;
      },
      pollDevice: (deviceCode, clientId = OIDC_CLIENTS.device) =>
        postForm(tokenEndpoint, { grant_type: DEVICE, client_id: clientId, device_code: deviceCode }),
      async approveDevice(userCode, login = 'alice') {
        const jar = new Map<string, string>();
        let page = await browse(jar, `${issuer}/device?user_code=${encodeURIComponent(userCode)}`);
        for (let step = 0; step < 8; step++) {
          if (/Sign-in Success/i.test(page.html)) return;
          const m = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(page.html);
          if (!m) break;
          const fields: Record<string, string> = {};
          for (const inp of (m[2] ?? '').matchAll(/<input[^>]*>/g)) {
            const name = /name="([^"]*)"/.exec(inp[0])?.[1];
            const value = /value="([^"]*)"/.exec(inp[0])?.[1] ?? '';
            if (name) fields[name] = value;
          }
          if ('login' in fields) Object.assign(fields, { login, password: 'any-password' });
          if ('user_code' in fields && !fields.user_code) fields.user_code = userCode;
          if (page.html.includes('name="confirm"')) fields.confirm = 'yes';
          page = await browse(jar, new URL(m[1] ?? '', page.url).href, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(fields),
          });
        }
        if (/Sign-in Success/i.test(page.html)) return;
        const text = page.html
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 300);
        throw new Error(`approveDevice(${userCode}) did not succeed: ${page.status} ${text}`);
      },
      token: (fields) => postForm(tokenEndpoint, fields),
      async stop() {
        await proc.stop('SIGTERM', 3000);
        removeDir(dir);
      },
    };
    return handle;
  } catch (e) {
    removeDir(dir);
    throw e;
  }
}
