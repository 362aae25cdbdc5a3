// Docker Registry v2 token-auth "realm" (the Bearer flow GHCR/Docker Hub use), node:crypto only.
// Used by __tests__/peers/registry.ts ({ auth: 'token' }) in front of Debian's docker-registry.
//   GET  /token?service=&scope=...   Basic user:pass (or none: anonymous)  -> {token, access_token, expires_in, issued_at}
//        &offline_token=true&client_id=X with a good Basic login also returns a refresh_token (distribution's
//        token spec; what `docker login` asks for and stores as "identitytoken")
//   POST /token  grant_type=password|refresh_token (OAuth2, docker "identitytoken")  -> {access_token, refresh_token, ...}
// The JWT is RS256 with an `x5c` header that chains to the registry's `rootcertbundle` (SIGNER_CERT).
// Authorization: anonymous gets no access; a user gets what they ask for on repositories under
// PUSH_PREFIX and only `pull` elsewhere, so pushing outside it is "denied" although logged in.
// Username `oidc` with a CI OIDC JWT (aud = SERVICE) as the password is accepted when OIDC_JWKS is set.
//
// Env: PORT, SIGNER_KEY (PEM file), SIGNER_CERT (PEM file), SERVICE (default peer-registry),
//      ISSUER (default peer-token-issuer), USERS (JSON {"user":"pass"}), PUSH_PREFIX (default demo/),
//      OIDC_JWKS (optional JWKS URL), TOKEN_TTL (seconds, default 300)
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey, createPublicKey, randomUUID, sign, verify } from 'node:crypto';

const PORT = Number(process.env.PORT);
const SERVICE = process.env.SERVICE || 'peer-registry';
const ISSUER = process.env.ISSUER || 'peer-token-issuer';
const USERS = JSON.parse(process.env.USERS || '{"ciuser":"ci-pass-123"}');
const PUSH_PREFIX = process.env.PUSH_PREFIX ?? 'demo/';
const TTL = Number(process.env.TOKEN_TTL || 300);
const key = createPrivateKey(readFileSync(process.env.SIGNER_KEY));
const x5c = new X509Certificate(readFileSync(process.env.SIGNER_CERT)).raw.toString('base64');
const REFRESH = new Map();
const b64url = (b) => Buffer.from(b).toString('base64url');

function jwt(payload) {
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [x5c] }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
}

async function verifyOidc(token) {
  if (!process.env.OIDC_JWKS) return null;
  try {
    const [h, p, s] = token.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const { keys } = await (await fetch(process.env.OIDC_JWKS)).json();
    const jwk = keys.find((k) => !header.kid || k.kid === header.kid);
    if (!jwk || header.alg !== 'RS256') return null;
    if (
      !verify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        createPublicKey({ key: jwk, format: 'jwk' }),
        Buffer.from(s, 'base64url'),
      )
    )
      return null;
    const now = Date.now() / 1000;
    const aud = [].concat(claims.aud);
    if (!aud.includes(SERVICE) || !(claims.exp > now)) return null;
    return String(claims.sub);
  } catch {
    return null;
  }
}

async function checkUser(user, pass) {
  if (user === 'oidc') return verifyOidc(pass);
  return Object.hasOwn(USERS, user) && USERS[user] === pass ? user : null;
}

function mint(sub, scopes) {
  const access = [];
  if (sub) {
    for (const s of scopes.filter(Boolean)) {
      const [type, name, actions = ''] = s.split(':');
      const wanted = actions.split(',').filter(Boolean);
      const allowed = name.startsWith(PUSH_PREFIX) ? wanted : wanted.filter((a) => a === 'pull');
      access.push({ type, name, actions: allowed });
    }
  }
  const now = Math.floor(Date.now() / 1000);
  return jwt({
    iss: ISSUER,
    sub: sub || '',
    aud: SERVICE,
    iat: now,
    nbf: now - 5,
    exp: now + TTL,
    jti: randomUUID(),
    access,
  });
}

const json = (res, code, body) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

createServer(async (req, res) => {
  const u = new URL(req.url, 'http://x');
  if (u.pathname !== '/token') return json(res, 404, {});
  if (req.method === 'GET') {
    let sub = '';
    if (req.headers.authorization) {
      const [user, ...rest] = Buffer.from(req.headers.authorization.replace(/^Basic /i, ''), 'base64')
        .toString()
        .split(':');
      sub = await checkUser(user, rest.join(':'));
      if (!sub) return json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
    }
    const t = mint(sub, u.searchParams.getAll('scope'));
    let refresh;
    if (sub && u.searchParams.get('offline_token') === 'true' && u.searchParams.get('client_id')) {
      refresh = randomUUID();
      REFRESH.set(refresh, sub);
    }
    return json(res, 200, {
      token: t,
      access_token: t,
      expires_in: TTL,
      issued_at: new Date().toISOString(),
      ...(refresh ? { refresh_token: refresh } : {}),
    });
  }
  let body = '';
  for await (const c of req) body += c;
  const p = new URLSearchParams(body);
  let sub = null;
  if (p.get('grant_type') === 'password') sub = await checkUser(p.get('username'), p.get('password'));
  if (p.get('grant_type') === 'refresh_token') sub = REFRESH.get(p.get('refresh_token')) || null;
  if (!sub) return json(res, 401, { error: 'invalid_grant' });
  const rt = randomUUID();
  REFRESH.set(rt, sub);
  const t = mint(sub, (p.get('scope') || '').split(' '));
  return json(res, 200, {
    access_token: t,
    refresh_token: rt,
    expires_in: TTL,
    token_type: 'Bearer',
    scope: p.get('scope'),
  });
}).listen(PORT, '127.0.0.1', () => console.log(`docker token realm on http://127.0.0.1:${PORT}/token`));
