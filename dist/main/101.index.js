"use strict";
exports.id = 101;
exports.ids = [101];
exports.modules = {

/***/ 5101:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   dockerRegistry: () => (/* binding */ dockerRegistry),
/* harmony export */   parseChallenge: () => (/* binding */ parseChallenge)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _formats_common_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2783);
/* harmony import */ var _responses_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6613);



/** Parse `Bearer realm="https://auth.example/token",service="registry.example"` (quoted or bare values). */
function parseChallenge(header) {
    if (!header)
        return undefined;
    const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
    if (!m)
        return undefined;
    const params = {};
    for (const p of m[2].matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
        params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
    }
    return { scheme: m[1].toLowerCase(), params };
}
const basic = (user, secret) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
/**
 * A container registry (Docker Registry HTTP API v2: GHCR, Docker Hub, distribution, Harbor...),
 * `url` = the registry's API origin. Like `docker login`, the credential is checked before it is
 * stored: `GET /v2/` says how the registry authenticates.
 *  - `Basic`: `GET /v2/` again with the credential; 2xx = good.
 *  - `Bearer realm=...,service=...` (token auth): `GET realm?service=&offline_token=true` with the
 *    credential as Basic; 2xx = good. When the realm hands out a refresh token (offline_token),
 *    that identity token is stored instead of the secret (docker's `identitytoken`).
 * The credential is `username` + password (method password), `username` (default
 * `oauth2accesstoken`) + a token (method token), or `oidc` + the CI's JWT (method oidc; audience
 * = the realm's `service` unless `audience` is set): the convention token realms use to accept a
 * CI identity. The default format is docker (`auths[host]` in config.json).
 */
const dockerRegistry = {
    name: 'docker-registry',
    methods: ['password', 'token', 'oidc'],
    async obtain(spec, creds, deps) {
        const what = `the registry ${spec.url}`;
        const v2 = `${spec.url}/v2/`;
        const probe = await deps.http.request({ method: 'GET', url: v2, what, insecure: spec.insecure });
        const challenge = parseChallenge(probe.headers['www-authenticate']);
        let user;
        let secret;
        if (spec.method === 'oidc') {
            user = spec.username ?? 'oidc';
            const service = challenge?.params.service || new URL(spec.url).host;
            // resolveTarget defaults the audience to the URL's origin; a token realm wants its `service`.
            secret = await deps.idToken(spec.audience === new URL(spec.url).origin ? service : spec.audience);
        }
        else {
            user =
                spec.method === 'password' ? (spec.username ?? '') : (0,_formats_common_js__WEBPACK_IMPORTED_MODULE_1__/* .loginUser */ .Lx)({ username: spec.username }, 'docker');
            secret = (spec.method === 'password' ? creds.password : creds.token) ?? '';
        }
        deps.secrets.add(secret);
        // A personal access token may be stored as given; a password or CI JWT may not.
        const toolFileOnly = (g) => spec.method === 'token' ? g : { ...g, secretInToolFileOnly: true };
        if (probe.status >= 200 && probe.status < 300) {
            deps.log(`${what} asks for no authentication at /v2/: the credential is stored without being checked.`);
            return toolFileOnly((0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .grantOf */ .od)(secret, what, deps.now(), { username: user }));
        }
        if (probe.status !== 401)
            throw (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .rejection */ .cz)(probe, `${what} (GET /v2/)`);
        if (challenge?.scheme === 'bearer' && challenge.params.realm) {
            const g = await realmLogin(spec, challenge, user, secret, deps);
            return g.identityToken ? g : toolFileOnly(g);
        }
        const check = await deps.http.request({
            method: 'GET',
            url: v2,
            what,
            insecure: spec.insecure,
            headers: { authorization: basic(user, secret) },
        });
        if (check.status >= 200 && check.status < 300)
            return toolFileOnly((0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .grantOf */ .od)(secret, what, deps.now(), { username: user }));
        throw refused(check, what, user);
    },
};
async function realmLogin(spec, challenge, user, secret, deps) {
    const realm = new URL(challenge.params.realm, spec.url);
    if (challenge.params.service)
        realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('account', user);
    realm.searchParams.set('client_id', 'deploy-login');
    realm.searchParams.set('offline_token', 'true');
    const what = `the registry's token service ${realm.origin}${realm.pathname}`;
    const res = await deps.http.request({
        method: 'GET',
        url: realm.href,
        what,
        insecure: spec.insecure,
        headers: { authorization: basic(user, secret) },
    });
    if (res.status < 200 || res.status >= 300)
        throw refused(res, what, user);
    const body = (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .parseJsonObject */ .dw)(res);
    for (const t of [body?.token, body?.access_token])
        if (typeof t === 'string')
            deps.secrets.add(t);
    const refresh = body?.refresh_token;
    if (typeof refresh === 'string' && refresh) {
        deps.secrets.add(refresh);
        return { token: refresh, username: user, identityToken: true };
    }
    return (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .grantOf */ .od)(secret, what, deps.now(), { username: user });
}
function refused(res, what, user) {
    if (res.status === 401 || res.status === 403) {
        return (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .needsLogin */ .$0)(`${what} refused the credential of "${user}" (HTTP ${res.status}): check the username and the password or token, or log in again.`);
    }
    return (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .rejection */ .cz)(res, what);
}


/***/ })

};
;