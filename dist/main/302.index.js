"use strict";
exports.id = 302;
exports.ids = [302];
exports.modules = {

/***/ 1302:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EXPIRY_KINDS: () => (/* binding */ EXPIRY_KINDS),
/* harmony export */   JSON_RECIPES: () => (/* binding */ JSON_RECIPES),
/* harmony export */   LOGIN_PLACEHOLDERS: () => (/* binding */ LOGIN_PLACEHOLDERS),
/* harmony export */   RECIPES: () => (/* binding */ RECIPES),
/* harmony export */   REFRESH_PLACEHOLDERS: () => (/* binding */ REFRESH_PLACEHOLDERS),
/* harmony export */   actionJsonLabel: () => (/* binding */ actionJsonLabel),
/* harmony export */   checkBodyForMethod: () => (/* binding */ checkBodyForMethod),
/* harmony export */   cliJsonLabel: () => (/* binding */ cliJsonLabel),
/* harmony export */   fillTemplate: () => (/* binding */ fillTemplate),
/* harmony export */   parseTemplate: () => (/* binding */ parseTemplate),
/* harmony export */   prepareJsonTarget: () => (/* binding */ prepareJsonTarget)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2258);
/* harmony import */ var _target_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4294);



/**
 * The `json` protocol's configuration: where to POST, what JSON body to send (with placeholders
 * filled in at login time), and where the token, its expiry and a refresh token sit in the answer.
 * Three named recipes fill in the usual services; every field can still be overridden.
 */
const JSON_RECIPES = ['vault', 'pypi', 'jwt-service'];
const EXPIRY_KINDS = ['seconds', 'unix', 'date'];
/** Placeholders a body value may contain; each is filled in just before the request is sent. */
const LOGIN_PLACEHOLDERS = ['jwt', 'username', 'password', 'audience'];
const REFRESH_PLACEHOLDERS = ['refreshToken', 'token', 'username', 'audience'];
const RECIPES = {
    // HashiCorp Vault JWT auth: POST /v1/auth/<mount>/login {role, jwt} → auth.client_token, lease_duration (s).
    vault: {
        config: {
            loginPath: '/v1/auth/jwt/login',
            body: { jwt: '{jwt}' },
            tokenField: 'auth.client_token',
            expiryField: 'auth.lease_duration',
            expiryKind: 'seconds',
        },
        audience: 'vault',
    },
    // PyPI Trusted Publishing: GET /_/oidc/audience, then POST /_/oidc/mint-token {token} → {token, expires}.
    pypi: {
        config: {
            audiencePath: '/_/oidc/audience',
            loginPath: '/_/oidc/mint-token',
            body: { token: '{jwt}' },
            tokenField: 'token',
            expiryField: 'expires',
            expiryKind: 'unix',
        },
    },
    // A JWT auth service: POST /auth/login {domain, username, password} → {token, refreshToken}.
    'jwt-service': {
        config: {
            loginPath: '/auth/login',
            body: { username: '{username}', password: '{password}' },
            tokenField: 'token',
            refreshTokenField: 'refreshToken',
            refreshPath: '/auth/refresh',
            refreshBody: { refreshToken: '{refreshToken}' },
            checkPath: '/auth/check',
        },
        requiredBody: ['domain'],
    },
};
/** How each input is named on the command line. */
const cliJsonLabel = (key) => ({
    recipe: '--json-recipe',
    loginPath: '--login-path',
    body: '--body',
    tokenField: '--token-field',
    expiryField: '--expiry-field',
    expiryKind: '--expiry-kind',
    refreshTokenField: '--refresh-token-field',
    refreshPath: '--refresh-path',
    refreshBody: '--refresh-body',
    checkPath: '--check-path',
    audiencePath: '--audience-path',
})[key];
/** How each input is named in the Action (`json-login-path`, ...). */
const actionJsonLabel = (key) => `\`json-${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}\``;
/**
 * Apply the recipe and the user's overrides to a target's input: returns the input with
 * `protocol: json`, the recipe's default audience when none was given, and `options.json` set to
 * the resolved configuration. Everything is checked here, before anything is sent.
 */
function prepareJsonTarget(input, raw, label) {
    const protocol = (input.protocol ?? '').trim();
    if (protocol && protocol !== 'json') {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label('recipe')} and the other json-login settings need protocol "json", not "${(0,_target_js__WEBPACK_IMPORTED_MODULE_1__/* .printable */ .g$)(protocol)}".`);
    }
    const recipeName = raw.recipe?.trim() || undefined;
    if (recipeName && !JSON_RECIPES.includes(recipeName)) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label('recipe')} "${(0,_target_js__WEBPACK_IMPORTED_MODULE_1__/* .printable */ .g$)(recipeName)}" is not one of: ${JSON_RECIPES.join(', ')}.`);
    }
    const recipe = recipeName ? RECIPES[recipeName] : undefined;
    const explicitAudience = !!input.audience?.trim();
    const base = recipe ? structuredClone(recipe.config) : {};
    const path = (key) => {
        const v = raw[key]?.trim();
        if (v === undefined || v === '')
            return base[key];
        if (!/^\/[^\s]*$/.test(v) && !/^https?:\/\/\S+$/.test(v)) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label(key)} "${(0,_target_js__WEBPACK_IMPORTED_MODULE_1__/* .printable */ .g$)(v)}" must be a path starting with "/" (joined to the target URL) or an absolute https:// URL.`);
        }
        return v;
    };
    const field = (key) => {
        const v = raw[key]?.trim();
        if (v === undefined || v === '')
            return base[key];
        if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(v)) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label(key)} "${(0,_target_js__WEBPACK_IMPORTED_MODULE_1__/* .printable */ .g$)(v)}" is not a field path: use dotted names such as auth.client_token.`);
        }
        return v;
    };
    const config = {
        ...(recipeName ? { recipe: recipeName } : {}),
        loginPath: path('loginPath') ?? '',
        body: mergeTemplate(base.body ?? {}, parseTemplate(raw.body, label('body'))),
        tokenField: field('tokenField') ?? 'token',
    };
    if (!config.loginPath) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label('loginPath')} is required with protocol "json" (or pick a recipe with ${label('recipe')}: ${JSON_RECIPES.join(', ')}).`);
    }
    const optional = {
        expiryField: field('expiryField'),
        expiryKind: raw.expiryKind?.trim() || base.expiryKind,
        refreshTokenField: field('refreshTokenField'),
        refreshPath: path('refreshPath'),
        checkPath: path('checkPath'),
        // An audience the user chose wins over asking the service.
        audiencePath: explicitAudience ? undefined : path('audiencePath'),
    };
    if (optional.expiryKind && !EXPIRY_KINDS.includes(optional.expiryKind)) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label('expiryKind')} "${(0,_target_js__WEBPACK_IMPORTED_MODULE_1__/* .printable */ .g$)(optional.expiryKind)}" is not one of: ${EXPIRY_KINDS.join(', ')}.`);
    }
    for (const [k, v] of Object.entries(optional))
        if (v)
            config[k] = v;
    const refreshBody = raw.refreshBody !== undefined ? parseTemplate(raw.refreshBody, label('refreshBody')) : undefined;
    if (config.refreshPath) {
        config.refreshBody = mergeTemplate(base.refreshBody ?? {}, refreshBody ?? {});
        if (Object.keys(config.refreshBody).length === 0)
            config.refreshBody = { refreshToken: '{refreshToken}' };
        config.refreshTokenField ??= 'refreshToken';
        checkPlaceholders(config.refreshBody, REFRESH_PLACEHOLDERS, label('refreshBody'));
    }
    else if (refreshBody) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label('refreshBody')} needs ${label('refreshPath')} as well.`);
    }
    checkPlaceholders(config.body, LOGIN_PLACEHOLDERS, label('body'));
    for (const f of recipe?.requiredBody ?? []) {
        if (!(f in config.body)) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label('recipe')} "${recipeName}" needs a "${f}" field in the login body: add ${label('body')} ${f}=VALUE.`);
        }
    }
    const audience = explicitAudience ? input.audience : recipe?.audience;
    return {
        ...input,
        protocol: 'json',
        ...(audience ? { audience } : {}),
        options: { ...(input.options ?? {}), json: config },
    };
}
/** Which placeholders a method needs in the login body (checked once the method is known). */
function checkBodyForMethod(config, method, label) {
    const used = placeholdersIn(config.body);
    if (method === 'oidc' && !used.has('jwt')) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`method "oidc" sends the CI's OIDC token, but the json login body has no {jwt} placeholder: add ${label('body')} FIELD={jwt}.`);
    }
    if (method === 'password' && !used.has('password')) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`method "password" needs a {password} placeholder in the json login body: add ${label('body')} password={password}.`);
    }
}
/** `FIELD=VALUE` (a string), `FIELD:=JSON` (any JSON value); a dotted FIELD nests. Or a JSON object. */
function parseTemplate(value, label) {
    if (value === undefined)
        return {};
    if (typeof value === 'object' && !Array.isArray(value))
        return value;
    const text = typeof value === 'string' ? value.trim() : undefined;
    if (text?.startsWith('{')) {
        const parsed = (0,_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .parseJsonSafely */ .s)(text);
        if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label} is not a JSON object: give FIELD=VALUE lines or a JSON object.`);
        }
        return parsed.value;
    }
    const lines = Array.isArray(value) ? value : (text ?? '').split('\n');
    const out = {};
    for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
        const m = /^([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)(:?=)([\s\S]*)$/.exec(line);
        if (!m) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label} "${(0,_target_js__WEBPACK_IMPORTED_MODULE_1__/* .printable */ .g$)(line)}" is not FIELD=VALUE (or FIELD:=JSON for numbers, booleans, lists).`);
        }
        const [, key, op, raw] = m;
        let v = raw;
        if (op === ':=') {
            const parsed = (0,_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .parseJsonSafely */ .s)(raw);
            if (!parsed.ok)
                throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label} ${key}:= needs a JSON value, e.g. ${key}:=true.`);
            v = parsed.value;
        }
        setDotted(out, key, v);
    }
    return out;
}
function setDotted(obj, dotted, value) {
    const parts = dotted.split('.');
    let cur = obj;
    for (const p of parts.slice(0, -1)) {
        const next = cur[p];
        if (!next || typeof next !== 'object' || Array.isArray(next))
            cur[p] = {};
        cur = cur[p];
    }
    cur[parts[parts.length - 1]] = value;
}
function mergeTemplate(base, over) {
    const out = { ...base };
    for (const [k, v] of Object.entries(over)) {
        const b = out[k];
        out[k] =
            b && v && typeof b === 'object' && typeof v === 'object' && !Array.isArray(b) && !Array.isArray(v)
                ? mergeTemplate(b, v)
                : v;
    }
    return out;
}
const PLACEHOLDER = /\{([A-Za-z]+)\}/g;
function placeholdersIn(t) {
    const found = new Set();
    const walk = (v) => {
        if (typeof v === 'string')
            for (const m of v.matchAll(PLACEHOLDER))
                found.add(m[1]);
        else if (Array.isArray(v))
            v.forEach(walk);
        else if (v && typeof v === 'object')
            Object.values(v).forEach(walk);
    };
    walk(t);
    return found;
}
function checkPlaceholders(t, allowed, label) {
    for (const p of placeholdersIn(t)) {
        if (!allowed.includes(p)) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`${label} uses the placeholder {${(0,_target_js__WEBPACK_IMPORTED_MODULE_1__/* .printable */ .g$)(p)}}, which is not one of: ${allowed.map((a) => `{${a}}`).join(', ')}.`);
        }
    }
}
/** Fill the placeholders in (validated earlier, so only known names appear; an unknown value is empty). */
function fillTemplate(t, values) {
    const fill = (v) => {
        if (typeof v === 'string')
            return v.replace(PLACEHOLDER, (_all, name) => values[name] ?? '');
        if (Array.isArray(v))
            return v.map(fill);
        if (v && typeof v === 'object')
            return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
        return v;
    };
    return fill(t);
}


/***/ })

};
;