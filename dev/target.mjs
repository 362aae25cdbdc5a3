#!/usr/bin/env node
/**
 * deploy-login dev target: one local HTTP(S) server that plays every remote party deploy-login talks to.
 *
 * - a CI OIDC issuer (GitHub Actions and Azure Pipelines request shapes, plus a no-auth control route
 *   for CIs that inject the token as a variable),
 * - an OAuth 2.0 authorization server (RFC 8414 discovery, password, RFC 8693 token exchange, refresh,
 *   RFC 8628 device code, client credentials, RFC 7009 revocation),
 * - Fermyon/Hippo login endpoints, Vault JWT login, a PyPI-style mint endpoint and a JWT auth service,
 * - protected "deploy" endpoints that accept any token issued above,
 * - fault injection, a request log and a rate limiter so tests can drive failure paths deterministically.
 *
 * Zero dependencies on purpose: the demo, the jest suite and the benchmarks run it under Node 20 and 24
 * without an install step, and a child process keeps the test runner's module system out of the picture.
 *
 * Start: node dev/target.mjs [--port N] [--tls] [--rate N] [--token-ttl S] [--latency MS] [--verbose]
 *        [--audience AUD] [--no-rfc8414] [--legacy-hippo] [--exit-on-stdin-close]
 * Ready: exactly one JSON line on stdout (see readyLine()); nothing else is ever written to stdout, so a
 * parent can read the first line and stop listening.
 */
import { parseArgs } from 'node:util';
import http from 'node:http';
import https from 'node:https';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

/* ------------------------------------------------------------------------------------------------ */
/* Configuration                                                                                     */
/* ------------------------------------------------------------------------------------------------ */

const USAGE = `usage: node dev/target.mjs [--port N] [--tls] [--rate N] [--token-ttl SECONDS] [--latency MS]
                          [--audience AUD] [--no-rfc8414] [--legacy-hippo] [--verbose] [--exit-on-stdin-close]`;

/**
 * Parses argv strictly: a typo in a test's flags should fail loudly (exit 2) rather than silently start a
 * target that behaves differently from what the test assumes.
 * @returns {{port:number, tls:boolean, rate:number, tokenTtl:number, latency:number, verbose:boolean,
 *   audience:string|undefined, noRfc8414:boolean, legacyHippo:boolean, exitOnStdinClose:boolean}}
 */
function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', default: '0' },
      tls: { type: 'boolean', default: false },
      rate: { type: 'string', default: '0' },
      'token-ttl': { type: 'string', default: '3600' },
      latency: { type: 'string', default: '0' },
      audience: { type: 'string' },
      'no-rfc8414': { type: 'boolean', default: false },
      'legacy-hippo': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      'exit-on-stdin-close': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stderr.write(USAGE + '\n');
    process.exit(0);
  }
  return {
    port: intOption('--port', values.port, 0, 65535),
    tls: values.tls,
    rate: intOption('--rate', values.rate, 0, 1e6),
    tokenTtl: intOption('--token-ttl', values['token-ttl'], 0, 1e9),
    latency: intOption('--latency', values.latency, 0, 600000),
    verbose: values.verbose,
    audience: values.audience,
    noRfc8414: values['no-rfc8414'],
    legacyHippo: values['legacy-hippo'],
    exitOnStdinClose: values['exit-on-stdin-close'],
  };
}

function intOption(name, raw, min, max) {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/* ------------------------------------------------------------------------------------------------ */
/* Small utilities                                                                                   */
/* ------------------------------------------------------------------------------------------------ */

const nowSec = () => Math.floor(Date.now() / 1000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const randomToken = (bytes = 24) => crypto.randomBytes(bytes).toString('base64url');
const b64u = (value) => Buffer.from(value).toString('base64url');

/** RFC 3339 without milliseconds: Spin and Hippo clients parse either, but the short form is what Hippo sends. */
const rfc3339 = (epochSec) => new Date(epochSec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Constant-time string comparison, so the stand-in does not teach clients to rely on sloppy checks. */
function safeEqual(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** "XXXX-XXXX" from an alphabet without look-alikes, like GitHub's user codes. */
function userCode() {
  const alphabet = 'BCDFGHJKLMNPQRSTVWXZ';
  const pick = () => alphabet[crypto.randomInt(alphabet.length)];
  return `${Array.from({ length: 4 }, pick).join('')}-${Array.from({ length: 4 }, pick).join('')}`;
}

/* ------------------------------------------------------------------------------------------------ */
/* JWTs                                                                                              */
/* ------------------------------------------------------------------------------------------------ */

function encodeJwt(header, payload, sign) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${b64u(sign(Buffer.from(input)))}`;
}

/** Splits a compact JWS without trusting it; returns null for anything that is not three JSON-ish parts. */
function decodeJwt(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')),
      payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')),
      signingInput: Buffer.from(`${parts[0]}.${parts[1]}`),
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    return null;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* TLS material                                                                                      */
/* ------------------------------------------------------------------------------------------------ */

/**
 * Makes a throw-away CA and a server certificate for 127.0.0.1/localhost with the openssl CLI. A real CA
 * (rather than one self-signed leaf) lets tests exercise NODE_EXTRA_CA_CERTS exactly as users would.
 * Files live in a temp dir that is removed on exit.
 */
function makeTlsMaterial() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-login-dev-target-'));
  const [cnf, caKey, caPem, serverKey, serverCsr, serverPem] = ['openssl.cnf', 'ca.key', 'ca.pem', 'server.key', 'server.csr', 'server.pem'].map((name) => path.join(dir, name)); // prettier-ignore
  fs.writeFileSync(
    cnf,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = deploy-login dev target',
      '[ca_ext]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      '[server_ext]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = IP:127.0.0.1, DNS:localhost',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid:always',
      '',
    ].join('\n'),
  );
  // EC keys: generating them is near-instant, which keeps --tls start-up fast for the test suite.
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-config', cnf];
  const openssl = (...args) => execFileSync('openssl', args.flat(), { stdio: ['ignore', 'ignore', 'pipe'] });
  openssl(['req', '-x509', '-days', '2', '-extensions', 'ca_ext'], newKey, [
    '-subj',
    '/CN=deploy-login dev CA',
    '-keyout',
    caKey,
    '-out',
    caPem,
  ]);
  openssl(['req', '-subj', '/CN=localhost'], newKey, ['-keyout', serverKey, '-out', serverCsr]);
  const serial = `0x${crypto.randomBytes(8).toString('hex')}`;
  openssl(
    ['x509', '-req', '-in', serverCsr, '-CA', caPem, '-CAkey', caKey, '-set_serial', serial, '-days', '2'],
    ['-extfile', cnf, '-extensions', 'server_ext', '-out', serverPem],
  );
  return {
    dir,
    caFile: caPem,
    // Leaf only: a client that does not trust the CA then fails exactly as with a private CA in the wild.
    cert: fs.readFileSync(serverPem, 'utf8'),
    key: fs.readFileSync(serverKey, 'utf8'),
  };
}

/* ------------------------------------------------------------------------------------------------ */
/* The target                                                                                        */
/* ------------------------------------------------------------------------------------------------ */

const FAULT_KINDS = new Set([
  'status',
  'reset',
  'hang',
  'trickle',
  'truncated',
  'invalid-json',
  'html',
  'no-token',
  'expired-token',
  'timed-token',
  'hangup',
  'oversize',
  'redirect',
]);
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const SUBJECT_TOKEN_TYPES = new Set([
  'urn:ietf:params:oauth:token-type:jwt',
  'urn:ietf:params:oauth:token-type:id_token',
]);
const CLOCK_SKEW_SEC = 60;
const MAX_BODY_BYTES = 1024 * 1024;
const CLIENT = { id: 'deploy-cli', secret: 'deploy-cli-secret' };
const FAKE_SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4';

/**
 * All mutable state of one running target. Kept in one object so reset/revoke semantics are easy to see.
 */
function createState(opts) {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    opts,
    origin: '', // set once the port is known
    users: { 'ci-deployer': process.env.DEV_TARGET_PASSWORD || 'dev-password-123' },
    requestToken: process.env.DEV_TARGET_REQUEST_TOKEN || randomToken(),
    ci: {
      publicKey,
      privateKey,
      kid: crypto.createHash('sha256').update(jwk.n).digest('hex').slice(0, 16),
      jwk,
    },
    hmacSecret: crypto.randomBytes(32), // signs issued access tokens; per process so restarts invalidate them
    tokenTtl: opts.tokenTtl,
    issuedJtis: new Set(), // everything issued so far, so revoke-all can revoke exactly that
    revokedJtis: new Set(),
    opaqueTokens: new Map(), // Vault/PyPI-style opaque token -> claims
    refreshTokens: new Map(), // refresh token -> { sub, kind }
    devices: new Map(), // device code -> device record
    deviceDefaults: { interval: 1, expiresIn: 900 },
    faults: [],
    log: [],
    hung: new Set(), // responses held open by "hang" faults, released on reset/exit
    bucket: { tokens: opts.rate, last: Date.now() },
  };
}

/* ---------------------------------------- CI issuer ------------------------------------------- */

/** GitHub-shaped claims; overrides win, and a null override deletes a claim (e.g. a token without exp). */
function ciClaims(state, audience, overrides = {}) {
  const iat = nowSec();
  const claims = {
    jti: crypto.randomUUID(),
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    aud: audience,
    ref: 'refs/heads/main',
    ref_type: 'branch',
    ref_protected: 'true',
    sha: FAKE_SHA,
    repository: 'octo-org/octo-repo',
    repository_id: '74',
    repository_owner: 'octo-org',
    repository_owner_id: '65',
    repository_visibility: 'private',
    run_id: '1234567890',
    run_number: '42',
    run_attempt: '1',
    actor: 'octocat',
    actor_id: '583231',
    workflow: 'deploy',
    workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
    workflow_sha: FAKE_SHA,
    job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
    job_workflow_sha: FAKE_SHA,
    event_name: 'push',
    head_ref: '',
    base_ref: '',
    environment: 'production',
    runner_environment: 'github-hosted',
    iss: `${state.origin}/ci`,
    nbf: iat,
    iat,
    exp: iat + 300,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete claims[key];
    else claims[key] = value;
  }
  return claims;
}

function signCiToken(state, claims) {
  const header = { alg: 'RS256', typ: 'JWT', kid: state.ci.kid };
  return encodeJwt(header, claims, (data) => crypto.sign('sha256', data, state.ci.privateKey));
}

/**
 * Verifies a CI JWT the way a relying party must: signature first (nothing else in an unverified token can
 * be trusted), then issuer, lifetime with skew, and finally audience, which maps to RFC 8693 invalid_target.
 * @returns {{ok:true, claims:object} | {ok:false, error:string, description:string}}
 */
function verifyCiToken(state, token, expectedAudience) {
  const jwt = decodeJwt(token);
  if (!jwt) return { ok: false, error: 'invalid_grant', description: 'subject token is not a JWT' };
  if (jwt.header.alg !== 'RS256')
    return { ok: false, error: 'invalid_grant', description: 'unsupported JWT alg' };
  if (!crypto.verify('sha256', jwt.signingInput, state.ci.publicKey, jwt.signature)) {
    return { ok: false, error: 'invalid_grant', description: 'JWT signature verification failed' };
  }
  const claims = jwt.payload;
  const now = nowSec();
  if (claims.iss !== `${state.origin}/ci`) {
    return {
      ok: false,
      error: 'invalid_grant',
      description: `untrusted issuer ${JSON.stringify(claims.iss)}`,
    };
  }
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SEC < now) {
    return { ok: false, error: 'invalid_grant', description: 'JWT is expired' };
  }
  if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW_SEC > now) {
    return { ok: false, error: 'invalid_grant', description: 'JWT is not yet valid' };
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(expectedAudience)) {
    return {
      ok: false,
      error: 'invalid_target',
      description: `JWT audience ${JSON.stringify(claims.aud)} is not ${JSON.stringify(expectedAudience)}`,
    };
  }
  return { ok: true, claims };
}

/* ----------------------------------- Issued deployment tokens --------------------------------- */

/** HS256 with a per-process secret: restarting the target invalidates every token, as a real rotation would. */
function signAccessToken(state, claims) {
  return encodeJwt({ alg: 'HS256', typ: 'JWT' }, claims, (data) =>
    crypto.createHmac('sha256', state.hmacSecret).update(data).digest(),
  );
}

/** Issues an access token; `kind` records which login produced it, which tests find handy. */
function issueAccessToken(state, sub, kind, extra = {}) {
  const iat = nowSec();
  const jti = crypto.randomUUID();
  const claims = {
    sub,
    aud: state.origin,
    iss: state.origin,
    iat,
    exp: iat + state.tokenTtl,
    jti,
    kind,
    ...extra,
  };
  state.issuedJtis.add(jti);
  return { token: signAccessToken(state, claims), claims };
}

/** An access token whose exp is already past (for the expired-token fault); signed, so only exp is wrong. */
function expiredAccessToken(state) {
  const iat = nowSec() - 7200;
  const jti = crypto.randomUUID();
  return signAccessToken(state, { sub: 'ci-deployer', aud: state.origin, iss: state.origin, iat, exp: iat + 3600, jti, kind: 'expired' }); // prettier-ignore
}

/**
 * `timed-token` claims: `exp`/`nbf`/`iat` at `expOffset`/`nbfOffset`/`iatOffset` seconds from now
 * (exp defaults to +3600; nbf and iat are left out unless given).
 */
function timedClaims(fault) {
  const now = nowSec();
  const at = (offset) => (typeof offset === 'number' ? now + offset : undefined);
  const claims = { exp: at(fault.expOffset ?? 3600) };
  if (at(fault.nbfOffset) !== undefined) claims.nbf = at(fault.nbfOffset);
  if (at(fault.iatOffset) !== undefined) claims.iat = at(fault.iatOffset);
  return claims;
}

/** A signed access token with chosen time claims; the protected API judges it by its exp like any other. */
function timedAccessToken(state, fault) {
  const jti = crypto.randomUUID();
  state.issuedJtis.add(jti);
  return signAccessToken(state, { sub: 'ci-deployer', aud: state.origin, iss: state.origin, jti, kind: 'timed', ...timedClaims(fault) }); // prettier-ignore
}

/** A CI OIDC token (signed by the CI issuer) with chosen time claims, for faults on /_apis/idtoken. */
function timedCiToken(state, fault) {
  const claims = ciClaims(state, state.opts.audience ?? state.origin, { nbf: null, iat: null, exp: null });
  return signCiToken(state, { ...claims, ...timedClaims(fault) });
}

/** Opaque tokens (Vault client_token, PyPI macaroon stand-in) are looked up rather than verified. */
function issueOpaqueToken(state, prefix, sub, kind) {
  const iat = nowSec();
  const claims = { sub, iat, exp: iat + state.tokenTtl, jti: crypto.randomUUID(), kind };
  const token = `${prefix}${randomToken(32)}`;
  state.issuedJtis.add(claims.jti);
  state.opaqueTokens.set(token, claims);
  return { token, claims };
}

/** `client`: the confidential client it was issued to, which must authenticate to use it (RFC 6749 §6). */
function issueRefreshToken(state, sub, kind, client) {
  const token = `rt-${randomToken(32)}`;
  state.refreshTokens.set(token, { sub, kind, client });
  return token;
}

/** Single-use refresh: the old token is consumed, as rotating servers do, so a client must store the new one. */
function consumeRefreshToken(state, token) {
  const record = typeof token === 'string' ? state.refreshTokens.get(token) : undefined;
  if (record) state.refreshTokens.delete(token);
  return record;
}

/**
 * Checks a bearer token from any login this target offers.
 * @returns {{ok:true, claims:object} | {ok:false, reason:string}}
 */
function validateToken(state, token) {
  if (!token) return { ok: false, reason: 'missing bearer token' };
  let claims = state.opaqueTokens.get(token);
  if (!claims) {
    const jwt = decodeJwt(token);
    if (!jwt || jwt.header.alg !== 'HS256') return { ok: false, reason: 'unknown token' };
    const expected = crypto.createHmac('sha256', state.hmacSecret).update(jwt.signingInput).digest();
    if (expected.length !== jwt.signature.length || !crypto.timingSafeEqual(expected, jwt.signature)) {
      return { ok: false, reason: 'bad token signature' };
    }
    claims = jwt.payload;
  }
  if (state.revokedJtis.has(claims.jti)) return { ok: false, reason: 'token revoked' };
  if (claims.exp <= nowSec()) return { ok: false, reason: 'token expired' };
  return { ok: true, claims };
}

function bearerOf(req) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization || '');
  return match ? match[1] : '';
}

/* ---------------------------------------- HTTP helpers ---------------------------------------- */

function sendJson(res, status, body, headers = {}) {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': data.length,
    'cache-control': 'no-store', // RFC 6749 §5.1: token responses must not be cached
    ...headers,
  });
  res.end(data);
}

function sendHtml(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
  });
  res.end(html);
}

const oauthError = (res, status, error, description, headers) =>
  sendJson(res, status, { error, error_description: description }, headers);

/** Reads the body with a cap so a runaway client cannot exhaust the target's memory. */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Form or JSON, by Content-Type: OAuth clients send forms, some (Pulumi/Google style) send JSON. */
async function readParams(req) {
  const raw = await readBody(req);
  if (/json/i.test(req.headers['content-type'] || '')) return parseJsonObject(raw);
  return Object.fromEntries(new URLSearchParams(raw));
}

async function readJson(req) {
  return parseJsonObject(await readBody(req));
}

function parseJsonObject(raw) {
  let value;
  try {
    value = JSON.parse(raw || '{}');
  } catch {
    throw Object.assign(new Error('request body is not valid JSON'), { status: 400 });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw Object.assign(new Error('request body must be a JSON object'), { status: 400 });
  }
  return value;
}

/**
 * Client authentication per RFC 6749 §2.3.1: HTTP Basic (form-urlencoded id/secret) or body parameters.
 * A client_id alone is a public client ("none"); a secret makes it a confidential client that must match.
 */
function clientAuth(req, params) {
  let id = params.client_id;
  let secret = params.client_secret;
  let basic = false;
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization || '');
  if (match) {
    basic = true;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const unform = (s) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    id = unform(colon < 0 ? decoded : decoded.slice(0, colon));
    secret = colon < 0 ? '' : unform(decoded.slice(colon + 1));
  }
  const confidential = secret !== undefined;
  const ok = !confidential || (safeEqual(id ?? '', CLIENT.id) && safeEqual(secret, CLIENT.secret));
  return { confidential, ok, basic, id };
}

/* ---------------------------------------- Route handlers -------------------------------------- */

function githubIdToken(state, req, res, url) {
  if (!safeEqual(bearerOf(req), state.requestToken)) {
    return sendJson(res, 401, {
      message: 'Bad credentials: a valid ACTIONS_ID_TOKEN_REQUEST_TOKEN is required',
    });
  }
  const audience = url.searchParams.get('audience') || 'https://github.com/octo-org';
  const token = signCiToken(state, ciClaims(state, audience));
  sendJson(res, 200, { count: 1, value: token });
}

function azureIdToken(state, req, res, url) {
  if (!safeEqual(bearerOf(req), state.requestToken)) {
    return sendJson(res, 401, { message: 'A valid System.AccessToken is required' });
  }
  const connection = url.searchParams.get('serviceConnectionId');
  if (!url.searchParams.get('api-version') || !connection) {
    return sendJson(res, 400, { message: 'api-version and serviceConnectionId are required' });
  }
  const claims = ciClaims(state, 'api://AzureADTokenExchange', {
    sub: `sc://octo-org/octo-project/${connection}`,
  });
  sendJson(res, 200, { oidcToken: signCiToken(state, claims) });
}

function ciDiscovery(state, _req, res) {
  const issuer = `${state.origin}/ci`;
  sendJson(res, 200, {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks`,
    subject_types_supported: ['public', 'pairwise'],
    response_types_supported: ['id_token'],
    claims_supported: [
      'sub',
      'aud',
      'exp',
      'iat',
      'iss',
      'jti',
      'nbf',
      'ref',
      'repository',
      'repository_id',
      'repository_owner',
      'run_id',
      'actor',
      'workflow',
      'environment',
      'runner_environment',
      'repository_visibility',
    ],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
  });
}

function ciJwks(state, _req, res) {
  sendJson(res, 200, { keys: [{ ...state.ci.jwk, kid: state.ci.kid, alg: 'RS256', use: 'sig' }] });
}

function authServerMetadata(state) {
  return {
    issuer: state.origin,
    token_endpoint: `${state.origin}/oauth/token`,
    device_authorization_endpoint: `${state.origin}/oauth/device`,
    revocation_endpoint: `${state.origin}/oauth/revoke`,
    grant_types_supported: ['password', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE, DEVICE_GRANT],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    response_types_supported: ['token'],
  };
}

function rfc8414Discovery(state, _req, res) {
  if (state.opts.noRfc8414) return sendJson(res, 404, { error: 'not_found' });
  sendJson(res, 200, authServerMetadata(state));
}

function oidcDiscovery(state, _req, res) {
  sendJson(res, 200, authServerMetadata(state));
}

/** Full OAuth success body; refresh tokens only for grants where a person or long-lived secret is involved. */
function tokenResponse(state, sub, kind, { refresh = false, scope, exchange = false, client } = {}) {
  const { token } = issueAccessToken(state, sub, kind, scope ? { scope } : {});
  const body = { access_token: token, token_type: 'Bearer', expires_in: state.tokenTtl };
  if (exchange) body.issued_token_type = 'urn:ietf:params:oauth:token-type:access_token';
  if (refresh) body.refresh_token = issueRefreshToken(state, sub, kind, client);
  if (scope) body.scope = scope;
  return body;
}

async function oauthToken(state, req, res, _url, entry) {
  const params = await readParams(req);
  entry.grant = params.grant_type;
  const client = clientAuth(req, params);
  if (!client.ok) {
    const headers = client.basic ? { 'www-authenticate': 'Basic realm="dev-target"' } : {};
    return oauthError(res, 401, 'invalid_client', 'client authentication failed', headers);
  }
  const grant = GRANTS[params.grant_type];
  if (!params.grant_type) return oauthError(res, 400, 'invalid_request', 'grant_type is required');
  if (!grant)
    return oauthError(res, 400, 'unsupported_grant_type', `unsupported grant_type ${params.grant_type}`);
  return grant(state, params, res, client);
}

const GRANTS = {
  password(state, params, res, client) {
    if (!params.username || !params.password) {
      return oauthError(res, 400, 'invalid_request', 'username and password are required');
    }
    const expected = state.users[params.username];
    if (expected === undefined || !safeEqual(params.password, expected)) {
      return oauthError(res, 400, 'invalid_grant', 'invalid username or password');
    }
    sendJson(
      res,
      200,
      tokenResponse(state, params.username, 'password', {
        refresh: true,
        scope: params.scope,
        client: client.confidential ? client.id : undefined,
      }),
    );
  },

  [TOKEN_EXCHANGE](state, params, res) {
    if (!params.subject_token || !params.subject_token_type) {
      return oauthError(res, 400, 'invalid_request', 'subject_token and subject_token_type are required');
    }
    if (!SUBJECT_TOKEN_TYPES.has(params.subject_token_type)) {
      return oauthError(
        res,
        400,
        'invalid_request',
        `unsupported subject_token_type ${params.subject_token_type}`,
      );
    }
    const verdict = verifyCiToken(state, params.subject_token, state.opts.audience ?? state.origin);
    if (!verdict.ok) return oauthError(res, 400, verdict.error, verdict.description);
    sendJson(
      res,
      200,
      tokenResponse(state, verdict.claims.sub, 'token-exchange', { exchange: true, scope: params.scope }),
    );
  },

  refresh_token(state, params, res, client) {
    const held = state.refreshTokens.get(params.refresh_token);
    // Issued to a confidential client: only that client, authenticated, may use it (RFC 6749 §6).
    if (held?.client && !(client.confidential && client.id === held.client)) {
      return oauthError(res, 401, 'invalid_client', 'this refresh token needs its client to authenticate');
    }
    const record = consumeRefreshToken(state, params.refresh_token);
    if (!record) return oauthError(res, 400, 'invalid_grant', 'unknown or already used refresh token');
    sendJson(
      res,
      200,
      tokenResponse(state, record.sub, record.kind, { refresh: true, client: record.client }),
    );
  },

  client_credentials(state, _params, res, client) {
    if (!client.confidential)
      return oauthError(res, 401, 'invalid_client', 'client credentials are required');
    sendJson(res, 200, tokenResponse(state, `client:${client.id}`, 'client-credentials'));
  },

  [DEVICE_GRANT](state, params, res) {
    const device = state.devices.get(params.device_code);
    if (!device) return oauthError(res, 400, 'invalid_grant', 'unknown device_code');
    const status = deviceStatus(device);
    if (status === 'expired') return oauthError(res, 400, 'expired_token', 'the device code has expired');
    if (status === 'denied') return oauthError(res, 400, 'access_denied', 'the user denied the request');
    if (device.slowDown) {
      // RFC 8628 §3.5: the client must add 5 s to its interval from now on; we report the new interval too.
      device.slowDown = false;
      device.interval += 5;
      return sendJson(res, 400, {
        error: 'slow_down',
        error_description: 'polling too fast',
        interval: device.interval,
      });
    }
    if (status === 'pending') return oauthError(res, 400, 'authorization_pending', 'waiting for the user');
    state.devices.delete(params.device_code);
    sendJson(res, 200, tokenResponse(state, device.user, 'device', { refresh: true }));
  },
};

function deviceStatus(device) {
  if (device.status === 'pending' && Date.now() > device.expiresAt) return 'expired';
  return device.status;
}

function createDevice(state, clientId) {
  const device = {
    deviceCode: randomToken(30),
    userCode: userCode(),
    clientId,
    status: 'pending',
    slowDown: false,
    interval: state.deviceDefaults.interval,
    expiresIn: state.deviceDefaults.expiresIn,
    expiresAt: Date.now() + state.deviceDefaults.expiresIn * 1000,
    user: 'ci-deployer',
  };
  state.devices.set(device.deviceCode, device);
  return device;
}

async function oauthDevice(state, req, res) {
  const params = await readParams(req);
  if (!params.client_id) return oauthError(res, 400, 'invalid_request', 'client_id is required');
  const device = createDevice(state, params.client_id);
  const verification = `${state.origin}/device`;
  sendJson(res, 200, {
    device_code: device.deviceCode,
    user_code: device.userCode,
    verification_uri: verification,
    verification_uri_complete: `${verification}?user_code=${encodeURIComponent(device.userCode)}`,
    expires_in: device.expiresIn,
    interval: device.interval,
  });
}

/** RFC 7009: always 200, whether or not the token was known, so revocation cannot probe for tokens. */
async function oauthRevoke(state, req, res) {
  const params = await readParams(req);
  const token = params.token;
  if (state.refreshTokens.delete(token)) return sendJson(res, 200, {});
  const opaque = state.opaqueTokens.get(token);
  const jwt = opaque ? null : decodeJwt(token);
  const jti = opaque?.jti ?? jwt?.payload?.jti;
  if (jti && state.issuedJtis.has(jti)) state.revokedJtis.add(jti);
  sendJson(res, 200, {});
}

/** A human-usable verification page for the demo: shows the code and approves it on submit. */
function devicePage(state, _req, res, url) {
  const code = (url.searchParams.get('user_code') || '').replace(/[^A-Z-]/gi, '');
  sendHtml(
    res,
    200,
    `<!doctype html><title>deploy-login dev target</title><h1>Device login</h1>
<form method="post" action="/device"><input name="user_code" value="${code}" placeholder="XXXX-XXXX">
<button name="action" value="approve">Approve</button><button name="action" value="deny">Deny</button></form>`,
  );
}

async function devicePageSubmit(state, req, res) {
  const params = await readParams(req);
  const result = applyDeviceAction(state, params.user_code, params.action === 'deny' ? 'deny' : 'approve');
  sendHtml(
    res,
    result.ok ? 200 : 404,
    `<!doctype html><p>${result.ok ? `Device ${params.action || 'approve'}d.` : 'Unknown code.'}</p>`,
  );
}

function applyDeviceAction(state, code, action) {
  const device = [...state.devices.values()].find((d) => d.userCode === code || d.deviceCode === code);
  if (!device) return { ok: false, status: 404, error: `unknown user code ${JSON.stringify(code)}` };
  if (action === 'approve') device.status = 'approved';
  else if (action === 'deny') device.status = 'denied';
  else if (action === 'expire') device.status = 'expired';
  else if (action === 'slow_down') device.slowDown = true;
  else return { ok: false, status: 400, error: 'action must be approve, deny, expire or slow_down' };
  return { ok: true, device };
}

/* ------------------------------------ Protected endpoints ------------------------------------- */

/** RFC 6750 §3: a 401 with a WWW-Authenticate challenge, so clients can tell "log in again" from failure. */
function requireToken(state, req, res) {
  const verdict = validateToken(state, bearerOf(req));
  if (!verdict.ok) {
    sendJson(
      res,
      401,
      { error: 'invalid_token', error_description: verdict.reason },
      { 'www-authenticate': 'Bearer error="invalid_token"' },
    );
    return null;
  }
  return verdict.claims;
}

function whoami(state, req, res) {
  const claims = requireToken(state, req, res);
  if (claims) sendJson(res, 200, { ok: true, sub: claims.sub, kind: claims.kind, exp: claims.exp });
}

async function deploy(state, req, res, url) {
  await readBody(req);
  const claims = requireToken(state, req, res);
  if (!claims) return;
  if (url.searchParams.get('fail') === '1') return sendJson(res, 500, { error: 'deploy exploded' });
  sendJson(res, 200, { ok: true, sub: claims.sub, deployment: crypto.randomUUID() });
}

/* --------------------------------------- Fermyon / Hippo -------------------------------------- */

const problem = (res, status, title, detail) =>
  sendJson(res, status, { title, detail }, { 'content-type': 'application/problem+json' });

function hippoTokenInfo(state, sub, kind, withRefresh) {
  const { token, claims } = issueAccessToken(state, sub, kind, { unique_name: sub });
  const info = { token, expiration: rfc3339(claims.exp) };
  if (withRefresh) info.refreshToken = issueRefreshToken(state, sub, kind);
  return info;
}

/** `/api/auth-tokens` carries two different bodies: Hippo's password login and Fermyon's device poll. */
async function hippoAuthTokens(state, req, res) {
  const body = await readJson(req);
  if (body.provider === 'DeviceFlow') return fermyonDevicePoll(state, body, res);
  if (state.opts.legacyHippo) return sendJson(res, 404, { title: 'Not Found', status: 404 });
  return hippoPasswordLogin(state, body, res);
}

function hippoPasswordLogin(state, body, res) {
  const { userName, password } = body;
  const expected = typeof userName === 'string' ? state.users[userName] : undefined;
  if (expected === undefined || typeof password !== 'string' || !safeEqual(password, expected)) {
    return problem(res, 401, 'Login failed', 'The user name or password is incorrect.');
  }
  sendJson(res, 200, hippoTokenInfo(state, userName, 'hippo', false));
}

async function hippoCreateToken(state, req, res) {
  if (!state.opts.legacyHippo) return sendJson(res, 404, { title: 'Not Found', status: 404 });
  return hippoPasswordLogin(state, await readJson(req), res);
}

function fermyonDevicePoll(state, body, res) {
  const device = state.devices.get(body.providerCode);
  if (!device) return problem(res, 400, 'invalid device code', 'The device code is not known.');
  const status = deviceStatus(device);
  // Spin treats anything that does not parse as TokenInfo as "not yet", so titles are for humans only.
  if (status !== 'approved') return problem(res, 400, status, `The device code is ${status}.`);
  state.devices.delete(body.providerCode);
  sendJson(res, 200, hippoTokenInfo(state, device.user, 'fermyon-device', true));
}

async function fermyonDeviceCodes(state, req, res) {
  const body = await readJson(req);
  if (!body.clientId) return problem(res, 400, 'invalid request', 'clientId is required');
  const device = createDevice(state, body.clientId);
  sendJson(res, 200, {
    deviceCode: device.deviceCode,
    userCode: device.userCode,
    verificationUrl: `${state.origin}/device?user_code=${encodeURIComponent(device.userCode)}`,
    expiresIn: device.expiresIn,
    interval: device.interval,
  });
}

async function fermyonRefresh(state, req, res) {
  const body = await readJson(req);
  if (typeof body.token !== 'string' || !body.token)
    return problem(res, 400, 'invalid request', 'token is required');
  const record = consumeRefreshToken(state, body.refreshToken);
  if (!record)
    return problem(res, 401, 'Invalid refresh token', 'The refresh token is unknown or was already used.');
  sendJson(res, 200, hippoTokenInfo(state, record.sub, record.kind, true));
}

/* ------------------------------------- JSON login recipes ------------------------------------- */

async function vaultLogin(state, req, res) {
  const body = await readJson(req);
  if (body.role !== undefined && body.role !== 'deploy') {
    return sendJson(res, 400, { errors: [`role "${String(body.role)}" could not be found`] });
  }
  if (typeof body.jwt !== 'string' || !body.jwt) return sendJson(res, 400, { errors: ['missing jwt'] });
  const verdict = verifyCiToken(state, body.jwt, 'vault');
  if (!verdict.ok) return sendJson(res, 400, { errors: [`error validating token: ${verdict.description}`] });
  const { token } = issueOpaqueToken(state, 'hvs.', verdict.claims.sub, 'vault');
  sendJson(res, 200, {
    auth: {
      client_token: token,
      accessor: randomToken(12),
      policies: ['deploy'],
      token_policies: ['deploy'],
      lease_duration: state.tokenTtl,
      renewable: true,
      metadata: { role: 'deploy' },
    },
  });
}

async function pypiMint(state, req, res) {
  const fail = (code, description) =>
    sendJson(res, 422, { message: 'Token request failed', errors: [{ code, description }] });
  let body;
  try {
    body = await readJson(req);
  } catch {
    return fail('invalid-payload', 'malformed JSON payload');
  }
  if (typeof body.token !== 'string') return fail('invalid-payload', 'token is required');
  const verdict = verifyCiToken(state, body.token, 'pypi');
  if (!verdict.ok)
    return fail('invalid-token', `valid token, but no corresponding publisher (${verdict.description})`);
  const { token, claims } = issueOpaqueToken(state, 'pypi-', verdict.claims.sub, 'pypi');
  sendJson(res, 200, { success: true, token, expires: claims.exp });
}

async function authServiceLogin(state, req, res) {
  const body = await readJson(req);
  if (!body.domain || !body.username || !body.password) {
    return sendJson(res, 400, {
      error: 'invalid_request',
      message: 'domain, username and password are required',
    });
  }
  const expected = body.domain === 'acme' ? state.users[body.username] : undefined;
  if (expected === undefined || !safeEqual(body.password, expected)) {
    return sendJson(res, 401, { error: 'invalid_credentials', message: 'unknown domain, user or password' });
  }
  const { token } = issueAccessToken(state, body.username, 'auth-service', { domain: 'acme' });
  sendJson(res, 200, { token, refreshToken: issueRefreshToken(state, body.username, 'auth-service') });
}

async function authServiceRefresh(state, req, res) {
  const body = await readJson(req);
  const record = consumeRefreshToken(state, body.refreshToken);
  if (!record)
    return sendJson(res, 401, { error: 'invalid_grant', message: 'unknown or already used refresh token' });
  const { token } = issueAccessToken(state, record.sub, record.kind, { domain: 'acme' });
  sendJson(res, 200, { token, refreshToken: issueRefreshToken(state, record.sub, record.kind) });
}

/* -------------------------------------------- Faults ------------------------------------------ */

/** Validates up front, so a typo in a test fails at setup rather than as a confusing "no fault happened". */
function normalizeFault(raw) {
  if (!raw || typeof raw !== 'object' || !FAULT_KINDS.has(raw.kind)) {
    throw Object.assign(new Error(`fault kind must be one of ${[...FAULT_KINDS].join(', ')}`), {
      status: 400,
    });
  }
  const times = raw.times === undefined ? 1 : Number(raw.times);
  if (!Number.isInteger(times) || (times < 1 && times !== -1)) {
    throw Object.assign(new Error('fault times must be a positive integer, or -1 for forever'), {
      status: 400,
    });
  }
  return { ...raw, times };
}

/** The first queued fault whose path matches takes the request; `times: -1` never runs out. */
function takeFault(state, pathname, method) {
  const index = state.faults.findIndex(
    (f) => (f.path === undefined || f.path === pathname) && (f.method === undefined || f.method === method),
  );
  if (index < 0) return null;
  const fault = state.faults[index];
  if (fault.times !== -1 && --fault.times === 0) state.faults.splice(index, 1);
  return fault;
}

/** A response body in the shape the path's clients expect, so a "valid" fault response really is valid. */
function tokenBodyFor(pathname, token, withExpiry) {
  if (pathname === '/_apis/idtoken') return { count: 1, value: token };
  if (pathname.startsWith('/api/') || pathname.startsWith('/auth/') || pathname.startsWith('/_/oidc/')) {
    return withExpiry ? { token, expiration: rfc3339(nowSec() + 3600) } : { token };
  }
  const body = { access_token: token, token_type: 'Bearer' };
  if (withExpiry) body.expires_in = 3600;
  return body;
}

const FAULTS = {
  status(_state, fault, res) {
    const status = fault.status ?? 503;
    const headers = { ...(fault.headers || {}) };
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    const body =
      fault.body === undefined
        ? {
            error: status === 429 || status >= 500 ? 'temporarily_unavailable' : 'injected_fault',
            error_description: `injected ${status}`,
          }
        : fault.body;
    if (typeof body === 'string') {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      return res.end(body);
    }
    sendJson(res, status, body, headers);
  },

  reset(_state, _fault, res) {
    const body = Buffer.from(
      JSON.stringify({ access_token: 'x'.repeat(64), token_type: 'Bearer', expires_in: 3600 }),
    );
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
  },

  hang(state, _fault, res) {
    // Hold the socket and say nothing; the client's own timeout is what is under test.
    state.hung.add(res);
    res.on('close', () => state.hung.delete(res));
  },

  trickle(state, fault, res, pathname) {
    const raw =
      fault.body ?? tokenBodyFor(pathname, issueAccessToken(state, 'ci-deployer', 'trickle').token, true);
    const bytes = Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
    res.flushHeaders();
    let sent = 0;
    const timer = setInterval(() => {
      res.write(bytes.subarray(sent, sent + 1));
      if (++sent >= bytes.length) {
        clearInterval(timer);
        res.end();
      }
    }, fault.intervalMs ?? 500);
    res.on('close', () => clearInterval(timer));
  },

  truncated(_state, _fault, res) {
    const body = Buffer.from(JSON.stringify({ access_token: 'x'.repeat(64), token_type: 'Bearer' }));
    // Connection: close makes Node end the socket after the short body, so the client sees the truncation
    // now rather than after the keep-alive timeout.
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length + 100,
      connection: 'close',
    });
    res.end(body);
  },

  'invalid-json'(_state, _fault, res) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"access_token": ');
  },

  html(_state, fault, res) {
    const status = fault.status ?? 502;
    const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...(fault.headers || {}) });
    res.end(
      `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>\n`,
    );
  },

  'no-token'(_state, _fault, res, pathname) {
    sendJson(res, 200, pathname === '/_apis/idtoken' ? { count: 1 } : { token_type: 'Bearer' });
  },

  'expired-token'(state, _fault, res, pathname) {
    const token =
      pathname === '/_apis/idtoken'
        ? timedCiToken(state, { expOffset: -3600, iatOffset: -3900, nbfOffset: -3900 })
        : expiredAccessToken(state);
    sendJson(res, 200, tokenBodyFor(pathname, token, false));
  },

  // A token whose time claims sit at chosen offsets from now, for clock-skew boundary tests.
  'timed-token'(state, fault, res, pathname) {
    const token = pathname === '/_apis/idtoken' ? timedCiToken(state, fault) : timedAccessToken(state, fault);
    const body = tokenBodyFor(pathname, token, false);
    if (fault.expiresIn !== undefined && !pathname.startsWith('/_apis/')) body.expires_in = fault.expiresIn;
    sendJson(res, 200, body);
  },

  hangup(_state, _fault, res) {
    // Close the connection without a byte of response: clients see "socket hang up".
    res.socket?.destroy();
  },

  oversize(state, fault, res) {
    const size = fault.sizeBytes ?? 5 * 1024 * 1024;
    // A usable token inside an oversized body: a client without a size cap would accept it, which is the bug.
    const head = `{"access_token":"${issueAccessToken(state, 'ci-deployer', 'oversize').token}","token_type":"Bearer","padding":"`;
    const tail = '"}';
    const body = head + 'a'.repeat(Math.max(0, size - head.length - tail.length)) + tail;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  },

  redirect(state, fault, res, pathname) {
    // Default: the same path on http(s)://localhost, a different origin that still reaches this server,
    // so the log shows whether the client carried Authorization across.
    const location = fault.location ?? `${state.origin.replace('127.0.0.1', 'localhost')}${pathname}`;
    res.writeHead(fault.status ?? 307, { location, 'content-length': 0 });
    res.end();
  },
};

/* ---------------------------------------- Control routes -------------------------------------- */

async function controlFaults(state, req, res) {
  if (req.method === 'GET') return sendJson(res, 200, { faults: state.faults });
  const body = await readJson(req);
  if (!Array.isArray(body.faults)) return sendJson(res, 400, { error: 'body must be {"faults":[...]}' });
  const faults = body.faults.map(normalizeFault);
  state.faults.push(...faults);
  sendJson(res, 200, { queued: faults.length, total: state.faults.length });
}

function controlReset(state, _req, res) {
  state.faults.length = 0;
  state.log.length = 0;
  state.bucket = { tokens: state.opts.rate, last: Date.now() };
  for (const held of state.hung) held.socket?.destroy();
  sendJson(res, 200, { ok: true });
}

function controlLog(state, _req, res) {
  sendJson(res, 200, { requests: state.log });
}

/** GET ?audience=&sub= for simple cases; POST {audience, claims} to override or (with null) drop claims. */
async function controlIdToken(state, req, res, url) {
  let audience = url.searchParams.get('audience') ?? undefined;
  let overrides = {};
  if (url.searchParams.get('sub')) overrides.sub = url.searchParams.get('sub');
  if (req.method === 'POST') {
    const body = await readJson(req);
    audience = body.audience ?? audience;
    overrides = { ...overrides, ...(body.claims || {}) };
  }
  const value = signCiToken(
    state,
    ciClaims(state, audience ?? state.opts.audience ?? state.origin, overrides),
  );
  sendJson(res, 200, { value });
}

async function controlDevice(state, req, res) {
  const body = await readJson(req);
  const result = applyDeviceAction(state, body.userCode ?? body.deviceCode, body.action);
  if (!result.ok) return sendJson(res, result.status, { error: result.error });
  sendJson(res, 200, { ok: true, userCode: result.device.userCode, status: result.device.status });
}

/** Revokes every token issued so far (and, unless {"refreshTokens":false}, every refresh token too). */
async function controlRevokeAll(state, req, res) {
  const body = await readJson(req);
  for (const jti of state.issuedJtis) state.revokedJtis.add(jti);
  if (body.refreshTokens !== false) state.refreshTokens.clear();
  sendJson(res, 200, { ok: true, revoked: state.issuedJtis.size });
}

/** Runtime knobs, so a test can shorten lifetimes without restarting the target. */
async function controlConfig(state, req, res) {
  const body = await readJson(req);
  const set = (key, apply) => {
    if (body[key] === undefined) return;
    if (!Number.isInteger(body[key]) || body[key] < 0)
      throw Object.assign(new Error(`${key} must be a non-negative integer`), { status: 400 });
    apply(body[key]);
  };
  set('tokenTtl', (v) => (state.tokenTtl = v));
  set('deviceInterval', (v) => (state.deviceDefaults.interval = v));
  set('deviceExpiresIn', (v) => (state.deviceDefaults.expiresIn = v));
  sendJson(res, 200, {
    tokenTtl: state.tokenTtl,
    deviceInterval: state.deviceDefaults.interval,
    deviceExpiresIn: state.deviceDefaults.expiresIn,
  });
}

/* --------------------------------------------- Router ----------------------------------------- */

const ROUTES = {
  'GET /healthz': (_state, _req, res) => sendJson(res, 200, { ok: true }),
  'GET /_apis/idtoken': githubIdToken,
  'POST /_apis/oidc': azureIdToken,
  'GET /ci/.well-known/openid-configuration': ciDiscovery,
  'GET /ci/.well-known/jwks': ciJwks,
  'GET /.well-known/oauth-authorization-server': rfc8414Discovery,
  'GET /.well-known/openid-configuration': oidcDiscovery,
  'POST /oauth/token': oauthToken,
  'POST /oauth/device': oauthDevice,
  'POST /oauth/revoke': oauthRevoke,
  'GET /device': devicePage,
  'POST /device': devicePageSubmit,
  'GET /api/whoami': whoami,
  'POST /api/deploy': deploy,
  'GET /api/check': whoami,
  'POST /api/auth-tokens': hippoAuthTokens,
  'POST /api/auth-tokens/refresh': fermyonRefresh,
  'POST /api/account/createtoken': hippoCreateToken,
  'POST /api/device-codes': fermyonDeviceCodes,
  'POST /v1/auth/jwt/login': vaultLogin,
  'GET /_/oidc/audience': (_state, _req, res) => sendJson(res, 200, { audience: 'pypi' }),
  'POST /_/oidc/mint-token': pypiMint,
  'POST /_/oidc/github/mint-token': pypiMint,
  'POST /auth/login': authServiceLogin,
  'POST /auth/refresh': authServiceRefresh,
  'GET /auth/check': whoami,
};

const CONTROL_ROUTES = {
  'GET /_control/faults': controlFaults,
  'POST /_control/faults': controlFaults,
  'POST /_control/reset': controlReset,
  'GET /_control/log': controlLog,
  'GET /_control/id-token': controlIdToken,
  'POST /_control/id-token': controlIdToken,
  'POST /_control/device': controlDevice,
  'POST /_control/revoke-all': controlRevokeAll,
  'POST /_control/config': controlConfig,
};

/** Paths whose clients a login storm hits; only these are rate limited, so the deploy call itself is not. */
const isTokenEndpoint = (p) =>
  p === '/oauth/token' || p.startsWith('/api/auth-tokens') || p === '/api/account/createtoken';

/** Token bucket: capacity N, refilled at N per second, so bursts of N pass and a storm gets 429s. */
function takeRateToken(state) {
  const now = Date.now();
  const { bucket } = state;
  bucket.tokens = Math.min(state.opts.rate, bucket.tokens + ((now - bucket.last) / 1000) * state.opts.rate);
  bucket.last = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

function dispatch(table, state, req, res, url, entry) {
  const handler = table[`${req.method} ${url.pathname}`];
  if (handler) return handler(state, req, res, url, entry);
  const known = Object.keys(table).some((key) => key.slice(key.indexOf(' ') + 1) === url.pathname);
  return known
    ? sendJson(res, 405, { error: 'method_not_allowed' })
    : sendJson(res, 404, {
        error: 'not_found',
        error_description: `no route for ${req.method} ${url.pathname}`,
      });
}

/**
 * Order matters: control routes bypass everything (they must work while faults are queued); other requests
 * are logged, delayed, then possibly faulted, then rate limited, then served.
 */
async function handle(state, req, res) {
  const url = new URL(req.url || '/', state.origin);
  if (url.pathname.startsWith('/_control/')) return dispatch(CONTROL_ROUTES, state, req, res, url);

  const entry = {
    method: req.method,
    path: url.pathname,
    time: new Date().toISOString(),
    authorization: Boolean(req.headers.authorization),
  };
  state.log.push(entry);
  res.on('finish', () => {
    entry.status = res.statusCode;
    if (state.opts.verbose) process.stderr.write(`${entry.method} ${entry.path} -> ${res.statusCode}\n`);
  });

  if (state.opts.latency) await sleep(state.opts.latency);
  const fault = takeFault(state, url.pathname, req.method);
  if (fault) {
    entry.fault = fault.kind;
    return FAULTS[fault.kind](state, fault, res, url.pathname);
  }
  if (state.opts.rate && isTokenEndpoint(url.pathname) && !takeRateToken(state)) {
    return oauthError(res, 429, 'temporarily_unavailable', 'rate limit exceeded', { 'retry-after': '1' });
  }
  return dispatch(ROUTES, state, req, res, url, entry);
}

function onRequest(state) {
  return (req, res) => {
    handle(state, req, res).catch((err) => {
      const status = err.status ?? 500;
      if (status === 500) process.stderr.write(`dev-target: ${err.stack || err}\n`);
      if (!res.headersSent)
        sendJson(res, status, {
          error: status === 500 ? 'server_error' : 'invalid_request',
          error_description: err.message,
        });
      else res.destroy();
    });
  };
}

/* ---------------------------------------------- Main ------------------------------------------ */

function readyLine(state, tls) {
  const info = {
    url: state.origin,
    issuer: `${state.origin}/ci`,
    idTokenRequestUrl: `${state.origin}/_apis/idtoken?api-version=2.0`,
    idTokenRequestToken: state.requestToken,
    audience: state.opts.audience ?? state.origin,
    users: { ...state.users },
    clients: { [CLIENT.id]: CLIENT.secret },
    pid: process.pid,
  };
  if (tls) info.caFile = tls.caFile;
  return JSON.stringify(info);
}

async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`dev-target: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const state = createState(opts);
  const tls = opts.tls ? makeTlsMaterial() : null;
  const cleanupTls = () => tls && fs.rmSync(tls.dir, { recursive: true, force: true });
  process.on('exit', cleanupTls);

  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }) : http.createServer();
  server.requestTimeout = 0; // "hang" faults must outlive Node's default 300 s request timeout
  server.on('request', onRequest(state));
  // A TLS handshake failure (an untrusting client) is expected here; keep stderr quiet unless verbose.
  server.on(
    'tlsClientError',
    (err) => opts.verbose && process.stderr.write(`dev-target: tls: ${err.message}\n`),
  );

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', resolve);
  });
  state.origin = `${tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeAllConnections(); // hung and trickling responses would otherwise keep close() waiting forever
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (opts.exitOnStdinClose) {
    // Lets a test runner that dies without cleanup take its targets with it (stdin is a pipe it owns).
    process.stdin.on('end', stop).on('close', stop).resume();
  }

  process.stdout.write(readyLine(state, tls) + '\n');
  if (opts.verbose) process.stderr.write(`dev-target: listening on ${state.origin}\n`);
}

main().catch((err) => {
  process.stderr.write(`dev-target: failed to start: ${err.stack || err}\n`);
  process.exit(1);
});
