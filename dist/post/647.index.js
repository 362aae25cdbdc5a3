"use strict";
exports.id = 647;
exports.ids = [647,771];
exports.modules = {

/***/ 6771:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ deviceDenied),
/* harmony export */   deviceLogin: () => (/* binding */ deviceLogin),
/* harmony export */   gl: () => (/* binding */ deviceExpired),
/* harmony export */   oauth2DeviceFlow: () => (/* binding */ oauth2DeviceFlow),
/* harmony export */   rT: () => (/* binding */ deviceAuthorizationOf)
/* harmony export */ });
/* unused harmony exports DEVICE_GRANT, DEFAULT_INTERVAL_SECONDS, DEFAULT_EXPIRES_IN_SECONDS, SLOW_DOWN_STEP_SECONDS, DeviceLoginError, hasControlCharacters, pollForGrant */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _oauth2_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8214);
/* harmony import */ var _responses_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6613);
/**
 * Device logins: RFC 8628 for oauth2 targets, and the one polling loop that both RFC 8628 and
 * Fermyon's variant share. Only the CLI drives them (a person must approve the code); here is
 * no terminal handling at all, so a script or an editor extension can drive the same flow.
 */



const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.2: the interval when the server gives none. */
const DEFAULT_INTERVAL_SECONDS = 5;
/** How long a code lives when the server does not say: Spin's 15 minutes (SIP 007). */
const DEFAULT_EXPIRES_IN_SECONDS = 15 * 60;
/** RFC 8628 §3.5: `slow_down` adds 5 s to the interval, for this and every later poll. */
const SLOW_DOWN_STEP_SECONDS = 5;
/** Transient failures back off exponentially (RFC 8628 §3.5), but never wait longer than this. */
const MAX_TRANSIENT_WAIT_MS = 60_000;
/** A device login ended without a token; `reason` lets the CLI print `{"status":"denied"}` or `"expired"`. */
class DeviceLoginError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DeployLoginError */ .Zz {
    reason;
    constructor(reason, message) {
        super('needs-login', message);
        this.reason = reason;
    }
}
const deviceDenied = (spec) => new DeviceLoginError('denied', `The device login for target "${spec.name}" was denied: run "deploy-login login --method device" again if that was a mistake.`);
const deviceExpired = (spec) => new DeviceLoginError('expired', `The device code for target "${spec.name}" expired before it was approved: run "deploy-login login --method device" again for a new code.`);
/** `login()` with method device (the Action, the library): nobody is there to approve a code. */
async function deviceLogin(spec, _creds, _deps) {
    throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`method "device" for target "${spec.name}" needs a person to approve a code: run "deploy-login login --method device" in a terminal, or use its --get-device-code and --check-device-code steps.`);
}
/** C0, DEL and C1 control characters: what could drive a terminal if printed. */
function hasControlCharacters(text) {
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
            return true;
    }
    return false;
}
/** Text a server sends us to show on a terminal: printable, and not absurdly long. */
function displayable(value, max) {
    if (typeof value !== 'string' || value === '' || value.length > max)
        return undefined;
    // A hostile server must not be able to drive the user's terminal.
    return hasControlCharacters(value) ? undefined : value;
}
function httpUrl(value) {
    const text = displayable(value, 2048);
    if (!text)
        return undefined;
    try {
        const u = new URL(text);
        return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
    }
    catch {
        return undefined;
    }
}
function positiveSeconds(value, fallback) {
    const n = typeof value === 'string' ? Number(value) : value;
    return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : fallback;
}
/** Check and normalise what a device-authorization endpoint answered (either dialect). */
function deviceAuthorizationOf(raw, what) {
    const deviceCode = displayable(raw.deviceCode, 4096);
    const userCode = displayable(raw.userCode, 64);
    const verificationUri = httpUrl(raw.verificationUri);
    if (!deviceCode || !userCode || !verificationUri) {
        const missing = [
            !deviceCode && 'device code',
            !userCode && 'user code',
            !verificationUri && 'http(s) verification URL',
        ].filter(Boolean);
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .unavailable */ .hU)(`${what} answered without a usable ${missing.join(', ')}; check the target's url and protocol, or try again later.`);
    }
    return {
        verificationUrl: httpUrl(raw.verificationUriComplete) ?? verificationUri,
        verificationUri,
        deviceCode,
        userCode,
        expiresIn: positiveSeconds(raw.expiresIn, DEFAULT_EXPIRES_IN_SECONDS),
        interval: positiveSeconds(raw.interval, DEFAULT_INTERVAL_SECONDS),
    };
}
/** RFC 8628 against an OAuth 2.0 server: endpoints from discovery, form bodies, OAuth error codes. */
async function oauth2DeviceFlow(spec, creds, deps) {
    if (!spec.clientId) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`The device flow for target "${spec.name}" needs a client id: give --client-id (the OAuth client registered for device logins).`);
    }
    let meta;
    const endpoints = async () => {
        const deviceEndpoint = spec.options.deviceEndpoint;
        if (!meta && spec.tokenEndpoint && typeof deviceEndpoint === 'string' && deviceEndpoint) {
            meta = { token_endpoint: spec.tokenEndpoint, device_authorization_endpoint: deviceEndpoint };
        }
        // The device endpoint only comes from metadata, so discovery runs even when token-endpoint is set.
        meta ??= await (0,_oauth2_js__WEBPACK_IMPORTED_MODULE_1__/* .discover */ .k4)({ ...spec, tokenEndpoint: undefined }, deps);
        return meta;
    };
    const auth = (0,_oauth2_js__WEBPACK_IMPORTED_MODULE_1__/* .clientAuth */ .Wk)(spec, creds);
    const form = (url, fields, what, attempts) => deps.http.request({
        method: 'POST',
        url,
        what,
        insecure: spec.insecure,
        attempts,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth.headers },
        body: new URLSearchParams({ ...fields, ...auth.fields }).toString(),
    });
    return {
        async start() {
            const m = await endpoints();
            const endpoint = m.device_authorization_endpoint;
            if (!endpoint) {
                throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${spec.url} does not advertise a device_authorization_endpoint in its metadata, so it has no device login: use another method.`);
            }
            const what = 'the device authorization endpoint';
            const res = await form(endpoint, spec.scope ? { scope: spec.scope } : {}, what);
            const body = (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .ensureOk */ .B4)(res, what);
            return deviceAuthorizationOf({
                deviceCode: body.device_code,
                userCode: body.user_code,
                // Google and some others spell it verification_url.
                verificationUri: body.verification_uri ?? body.verification_url,
                verificationUriComplete: body.verification_uri_complete,
                expiresIn: body.expires_in,
                interval: body.interval,
            }, what);
        },
        async poll(deviceCode, opts = {}) {
            const m = await endpoints();
            const tokenEndpoint = spec.tokenEndpoint ?? m.token_endpoint;
            const res = await form(tokenEndpoint, { grant_type: DEVICE_GRANT, device_code: deviceCode }, 'the token endpoint', opts.singleAttempt ? 1 : undefined);
            const body = (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .parseJsonObject */ .dw)(res);
            // GitHub answers 200 with an `error` member; RFC servers answer 400. Read the body either way.
            const error = typeof body?.error === 'string' ? body.error : undefined;
            if (res.status >= 200 && res.status < 300 && !error && body) {
                const grant = (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .grantOf */ .od)(body.access_token, 'the token endpoint', deps.now(), {
                    expiresIn: body.expires_in,
                    refreshToken: body.refresh_token,
                });
                deps.secrets.add(grant.token);
                deps.secrets.add(grant.refreshToken);
                return { status: 'authorized', grant };
            }
            if (error === 'authorization_pending')
                return { status: 'pending' };
            if (error === 'slow_down') {
                const interval = positiveSeconds(body?.interval, 0);
                return interval ? { status: 'slow_down', interval } : { status: 'slow_down' };
            }
            if (error === 'access_denied')
                throw deviceDenied(spec);
            if (error === 'expired_token')
                throw deviceExpired(spec);
            throw (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .rejection */ .cz)(res, 'the token endpoint');
        },
    };
}
const realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Poll until the code is approved, denied or expired. The server's interval is honoured (plus
 * 5 s per `slow_down`); transient failures back off exponentially without ending the wait; the
 * code's own lifetime bounds the whole thing.
 */
async function pollForGrant(spec, flow, auth, hooks = {}) {
    const now = hooks.now ?? Date.now;
    const sleep = hooks.sleep ?? realSleep;
    const deadline = now() + auth.expiresIn * 1000;
    let intervalMs = auth.interval * 1000;
    let transient = 0;
    let polls = 0;
    for (;;) {
        const wait = transient === 0
            ? intervalMs
            : Math.min(intervalMs * 2 ** transient, Math.max(intervalMs, MAX_TRANSIENT_WAIT_MS));
        const left = deadline - now();
        if (left <= 0)
            throw deviceExpired(spec);
        await sleep(Math.min(wait, left));
        let answer;
        try {
            answer = await flow.poll(auth.deviceCode, { singleAttempt: true });
        }
        catch (err) {
            if (err instanceof DeployLoginError && err.outcome === 'unavailable') {
                transient++;
                const next = Math.min(intervalMs * 2 ** transient, Math.max(intervalMs, MAX_TRANSIENT_WAIT_MS));
                hooks.onTransient?.(err, next);
                continue;
            }
            throw err;
        }
        transient = 0;
        polls++;
        if (answer.status === 'authorized')
            return answer.grant;
        if (answer.status === 'slow_down') {
            intervalMs = Math.max(intervalMs + SLOW_DOWN_STEP_SECONDS * 1000, (answer.interval ?? 0) * 1000);
            hooks.onSlowDown?.(intervalMs / 1000);
        }
        hooks.onWaiting?.({ polls, msLeft: Math.max(0, deadline - now()), intervalSeconds: intervalMs / 1000 });
    }
}


/***/ }),

/***/ 647:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   SPIN_CLIENT_ID: () => (/* binding */ SPIN_CLIENT_ID),
/* harmony export */   fermyon: () => (/* binding */ fermyon)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _device_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6771);
/* harmony import */ var _responses_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6613);
/**
 * Spin's targets (protocol `fermyon`): Hippo's username/password login, Fermyon Cloud personal
 * access tokens, Fermyon's device-code flow and its refresh endpoint. JSON bodies in camelCase,
 * as Spin's clients send them (see docs/protocol-fermyon.md).
 */



/** The client id Spin and the cloud plugin hard-code for the device flow. */
const SPIN_CLIENT_ID = '583e63e9-461f-4fbe-a246-23e0fb1cad10';
/** `{url}/api/...`, keeping any path prefix the target URL has (Hippo behind a reverse proxy). */
function apiUrl(spec, path) {
    return new URL(path, spec.url.endsWith('/') ? spec.url : spec.url + '/').href;
}
function postJson(spec, deps, path, body, what, attempts) {
    return deps.http.request({
        method: 'POST',
        url: apiUrl(spec, path),
        what,
        insecure: spec.insecure,
        attempts,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
    });
}
/** Hippo's and Fermyon's TokenInfo: `{token, expiration (RFC 3339), refreshToken?}`. */
function tokenInfoGrant(body, what, deps, username) {
    const now = deps.now();
    const grant = (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .grantOf */ .od)(body.token, what, now, {
        expiresAt: (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .toExpiry */ .hD)(body.expiration, 'date', now),
        refreshToken: body.refreshToken,
        username,
    });
    deps.secrets.add(grant.token);
    deps.secrets.add(grant.refreshToken);
    return grant;
}
/** Hippo: `/api/auth-tokens` since August 2022, `/api/account/createtoken` before (tried on 404). */
async function hippoLogin(spec, password, deps) {
    const body = { userName: spec.username ?? '', password };
    let what = `Hippo's token endpoint ${apiUrl(spec, 'api/auth-tokens')}`;
    let res = await postJson(spec, deps, 'api/auth-tokens', body, what);
    if (res.status === 404) {
        what = `Hippo's legacy token endpoint ${apiUrl(spec, 'api/account/createtoken')}`;
        deps.log(`${apiUrl(spec, 'api/auth-tokens')} answered 404; trying the older /api/account/createtoken.`);
        res = await postJson(spec, deps, 'api/account/createtoken', body, what);
    }
    return tokenInfoGrant((0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .ensureOk */ .B4)(res, what), what, deps, spec.username);
}
/** Fermyon's device flow: not RFC 8628, but the same shape (see protocols.md §1.6). */
function fermyonDeviceFlow(spec, deps) {
    const clientId = spec.clientId ?? SPIN_CLIENT_ID;
    return {
        async start() {
            const what = `the device-code endpoint ${apiUrl(spec, 'api/device-codes')}`;
            const body = (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .ensureOk */ .B4)(await postJson(spec, deps, 'api/device-codes', { clientId }, what), what);
            return (0,_device_js__WEBPACK_IMPORTED_MODULE_1__/* .deviceAuthorizationOf */ .rT)({
                deviceCode: body.deviceCode,
                userCode: body.userCode,
                verificationUri: body.verificationUrl,
                expiresIn: body.expiresIn,
                interval: body.interval,
            }, what);
        },
        async poll(deviceCode, opts = {}) {
            const what = `the token endpoint ${apiUrl(spec, 'api/auth-tokens')}`;
            const res = await postJson(spec, deps, 'api/auth-tokens', { provider: 'DeviceFlow', clientId, providerCode: deviceCode }, what, opts.singleAttempt ? 1 : undefined);
            const body = (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .parseJsonObject */ .dw)(res);
            if (res.status >= 200 && res.status < 300 && typeof body?.token === 'string' && body.token) {
                return { status: 'authorized', grant: tokenInfoGrant(body, what, deps) };
            }
            // Spin counts anything that is not a TokenInfo as "not yet". Only a problem that says the
            // code was denied or has expired ends the wait early; the code's lifetime bounds the rest.
            const { text } = (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .errorReason */ .jf)(body);
            if (/\bdenied\b/i.test(text))
                throw (0,_device_js__WEBPACK_IMPORTED_MODULE_1__/* .deviceDenied */ .W)(spec);
            if (/\bexpired\b/i.test(text))
                throw (0,_device_js__WEBPACK_IMPORTED_MODULE_1__/* .deviceExpired */ .gl)(spec);
            return { status: 'pending' };
        },
    };
}
const fermyon = {
    name: 'fermyon',
    methods: ['password', 'token', 'device'],
    async obtain(spec, creds, deps) {
        if (spec.method === 'token') {
            // A Fermyon Cloud personal access token is used as is: there is nothing to exchange.
            return (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .grantOf */ .od)(creds.token, 'the token input', deps.now());
        }
        if (spec.method === 'password')
            return hippoLogin(spec, creds.password ?? '', deps);
        return (0,_device_js__WEBPACK_IMPORTED_MODULE_1__.deviceLogin)(spec, creds, deps);
    },
    async device(spec, _creds, deps) {
        return fermyonDeviceFlow(spec, deps);
    },
    async refresh(input, _creds, deps) {
        const what = `the token refresh endpoint ${apiUrl(input.spec, 'api/auth-tokens/refresh')}`;
        const res = await postJson(input.spec, deps, 'api/auth-tokens/refresh', { token: input.token, refreshToken: input.refreshToken }, what);
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
            const { text } = (0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .errorReason */ .jf)((0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .parseJsonObject */ .dw)(res));
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .needsLogin */ .$0)(`The refresh token for target "${input.spec.name}" was refused (HTTP ${res.status}${text ? `: ${text}` : ''}): log in again.`);
        }
        return tokenInfoGrant((0,_responses_js__WEBPACK_IMPORTED_MODULE_2__/* .ensureOk */ .B4)(res, what), what, deps, input.spec.username);
    },
};


/***/ })

};
;