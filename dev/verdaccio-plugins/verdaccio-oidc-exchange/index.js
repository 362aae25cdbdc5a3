// npm trusted publishing for verdaccio, for tests and local development (never for production):
//   POST /-/npm/v1/oidc/token/exchange/package/:name   Authorization: Bearer <CI OIDC JWT>
//   -> 201 {"token": "<verdaccio JWT for user oidc:<repository>>"}
//   -> 401 {"message": "OIDC token exchange error - invalid token"}   (bad signature, iss, aud, exp)
//   -> 404 {"message": "OIDC token exchange error - package not found"} (no trusted publisher for it)
// What npm/cli lib/utils/oidc.js calls (audience `npm:<registry host>`), answered the way the npm
// registry does. The JWT (RS256) is checked against `jwks` and `issuer`; `publishers` maps a package
// name to the `repository` claim allowed to publish it.
// config.yaml:  plugins: <this dir's parent>
//               middlewares: { oidc-exchange: { jwks: URL, issuer: ISS, publishers: { pkg: owner/repo } } }
/* global require, module */
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS verdaccio plugin
const { createPublicKey, verify } = require('node:crypto');

const b64json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

async function verifyJwt(token, jwksUrl) {
  const [h, p, s] = String(token).split('.');
  if (!h || !p || !s) return null;
  try {
    const header = b64json(h);
    if (header.alg !== 'RS256') return null;
    const { keys } = await (await fetch(jwksUrl)).json();
    const jwk = keys.find((k) => !header.kid || k.kid === header.kid);
    if (!jwk) return null;
    const ok = verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      createPublicKey({ key: jwk, format: 'jwk' }),
      Buffer.from(s, 'base64url'),
    );
    return ok ? b64json(p) : null;
  } catch {
    return null;
  }
}

module.exports = function oidcExchange(config) {
  const jwks = config.jwks;
  const issuer = config.issuer;
  const publishers = config.publishers || {};
  return {
    register_middlewares(app, auth) {
      app.post('/-/npm/v1/oidc/token/exchange/package/:name', async (req, res) => {
        const send = (status, body) =>
          res.status(status).set('content-type', 'application/json').send(JSON.stringify(body));
        const m = /^Bearer (\S+)$/i.exec(req.headers.authorization || '');
        const claims = m ? await verifyJwt(m[1], jwks) : null;
        const now = Date.now() / 1000;
        const audience = `npm:${String(req.headers.host || '').replace(/:\d+$/, '')}`;
        const auds = claims ? [].concat(claims.aud) : [];
        if (!claims || (issuer && claims.iss !== issuer) || !auds.includes(audience) || !(claims.exp > now)) {
          return send(401, { message: 'OIDC token exchange error - invalid token' });
        }
        const name = decodeURIComponent(req.params.name);
        if (!publishers[name] || publishers[name] !== claims.repository) {
          return send(404, { message: 'OIDC token exchange error - package not found' });
        }
        // verdaccio trusts a JWT's groups as they are: give the logged-in roles createRemoteUser() gives.
        const groups = ['$all', '$authenticated', '@all', '@authenticated', 'all'];
        const token = await auth.jwtEncrypt(
          { name: `oidc:${claims.repository}`, groups, real_groups: [] },
          { expiresIn: '15m' },
        );
        return send(201, { token });
      });
    },
  };
};
