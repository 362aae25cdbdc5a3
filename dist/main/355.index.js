"use strict";
exports.id = 355;
exports.ids = [355];
exports.modules = {

/***/ 6355:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ASSERTION_KEY_ENV: () => (/* binding */ ASSERTION_KEY_ENV),
/* harmony export */   CLIENT_ASSERTION_TYPE: () => (/* binding */ CLIENT_ASSERTION_TYPE),
/* harmony export */   loadSigningKey: () => (/* binding */ loadSigningKey),
/* harmony export */   signClientAssertion: () => (/* binding */ signClientAssertion)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4296);
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2258);




/** RFC 7523 §2.2: a JWT as client authentication (OAuth's `private_key_jwt`). */
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The key itself (PEM or JWK JSON), e.g. from a CI secret, when no key file is configured. */
const ASSERTION_KEY_ENV = 'DEPLOY_LOGIN_CLIENT_ASSERTION_KEY';
/**
 * The client's signing key: the `client-assertion-key` file, else the key in
 * DEPLOY_LOGIN_CLIENT_ASSERTION_KEY; undefined when neither is configured. JWK (with its `kid`)
 * or PEM (PKCS#8, SEC1 or PKCS#1); P-256 keys sign ES256, RSA keys RS256.
 */
function loadSigningKey(spec, env) {
    const file = typeof spec.options.clientAssertionKey === 'string' ? spec.options.clientAssertionKey : undefined;
    let text;
    let where;
    if (file) {
        where = `client-assertion-key ${file}`;
        try {
            text = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(file, 'utf8');
        }
        catch (err) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(`${where} cannot be read (${err.code ?? 'error'}).`);
        }
    }
    else if (env[ASSERTION_KEY_ENV]) {
        where = ASSERTION_KEY_ENV;
        text = env[ASSERTION_KEY_ENV];
    }
    else
        return undefined;
    const bad = (why) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(`${where} is not a usable private key (${why}): give a P-256 or RSA private key as a JWK or PEM.`);
    let key;
    let jwk;
    const trimmed = text.trim();
    try {
        if (trimmed.startsWith('{')) {
            const parsed = (0,_redact_js__WEBPACK_IMPORTED_MODULE_3__/* .parseJsonSafely */ .s)(trimmed);
            if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object')
                throw bad('not valid JSON');
            jwk = parsed.value;
            if (!jwk.d)
                throw bad('the JWK has no private part "d"');
            key = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createPrivateKey)({ key: jwk, format: 'jwk' });
        }
        else {
            key = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createPrivateKey)(trimmed);
        }
    }
    catch (err) {
        if (err instanceof Error && err.name === 'DeployLoginError')
            throw err;
        throw bad('it does not parse');
    }
    let alg;
    if (key.asymmetricKeyType === 'rsa')
        alg = 'RS256';
    else if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
        alg = 'ES256';
    else
        throw bad(`a ${key.asymmetricKeyType ?? 'unknown'} key`);
    if (jwk?.alg !== undefined && jwk.alg !== alg)
        throw bad(`its "alg" is ${String(jwk.alg)}, expected ${alg}`);
    return { key, alg, ...(typeof jwk?.kid === 'string' ? { kid: jwk.kid } : {}) };
}
const b64url = (b) => Buffer.from(b).toString('base64url');
/** A one-minute client assertion: iss = sub = the client id, aud = the token endpoint, a fresh jti. */
function signClientAssertion(clientId, audience, k, now) {
    const iat = Math.floor(now / 1000);
    const header = { alg: k.alg, typ: 'JWT', ...(k.kid ? { kid: k.kid } : {}) };
    const claims = {
        iss: clientId,
        sub: clientId,
        aud: audience,
        jti: (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)(),
        iat,
        nbf: iat,
        exp: iat + 60,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.sign)('sha256', Buffer.from(input), k.alg === 'ES256' ? { key: k.key, dsaEncoding: 'ieee-p1363' } : k.key);
    return `${input}.${b64url(signature)}`;
}


/***/ })

};
;