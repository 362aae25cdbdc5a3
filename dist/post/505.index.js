"use strict";
exports.id = 505;
exports.ids = [505];
exports.modules = {

/***/ 7505:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   otherCiFetcher: () => (/* binding */ otherCiFetcher)
/* harmony export */ });
/* unused harmony exports AZURE_OIDC_API_VERSION, AZURE_CONNECTION_VARS, warnOnAudience, buildkiteIdToken, azureIdToken */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4296);
/* harmony import */ var _jwt_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3622);
/* harmony import */ var _oidc_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9070);
/* harmony import */ var _protocols_responses_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6613);
/* harmony import */ var _store_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5511);







/** Azure Pipelines' OIDC API version; `api-version` is required (400 without it). */
const AZURE_OIDC_API_VERSION = '7.1';
/** Where the Azure service connection id comes from when --azure-service-connection is not given. */
const AZURE_CONNECTION_VARS = [
    'DEPLOY_LOGIN_AZURE_SERVICE_CONNECTION_ID',
    'AZURESUBSCRIPTION_SERVICE_CONNECTION_ID',
];
const CI_NAMES = {
    github: 'GitHub Actions',
    gitlab: 'GitLab CI',
    circleci: 'CircleCI',
    bitbucket: 'Bitbucket Pipelines',
    buildkite: 'Buildkite',
    azure: 'Azure Pipelines',
    env: 'the id-token variable',
    file: 'the id-token file',
};
/**
 * CIs other than GitHub. GitLab, CircleCI and Bitbucket inject a ready token whose audience was
 * fixed by the pipeline's config (or by the CI itself), and Azure's is always
 * api://AzureADTokenExchange: those are checked against the audience we were asked for, with a
 * warning (not a failure: the target decides). Buildkite is asked for the audience, like GitHub.
 */
function otherCiFetcher(source, env, http, opts) {
    const fromVar = (name, hint) => async () => {
        const v = (0,_store_js__WEBPACK_IMPORTED_MODULE_5__/* .envValue */ .$R)(env, name)?.trim();
        if (!v)
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(`The OIDC token variable ${name} is empty or unset: ${hint}.`);
        return v;
    };
    const checked = (fetch) => {
        return async (audience) => {
            const token = await fetch(audience);
            warnOnAudience(token, audience, CI_NAMES[source], opts.warn);
            return token;
        };
    };
    const idTokenVar = opts.idTokenEnv || _oidc_js__WEBPACK_IMPORTED_MODULE_3__/* .DEFAULT_ID_TOKEN_ENV */ .cR;
    switch (source) {
        case 'gitlab':
            return checked(fromVar(idTokenVar, `declare \`id_tokens: { ${idTokenVar}: { aud: AUDIENCE } }\` in the GitLab job`));
        case 'env':
            return checked(fromVar(idTokenVar, 'set it to the CI JWT, or name another variable with --id-token-env'));
        case 'circleci':
            return checked(fromVar(env.CIRCLE_OIDC_TOKEN_V2 ? 'CIRCLE_OIDC_TOKEN_V2' : 'CIRCLE_OIDC_TOKEN', 'run the CircleCI job with a context, or enable project OIDC'));
        case 'bitbucket':
            return checked(fromVar('BITBUCKET_STEP_OIDC_TOKEN', 'add `oidc: true` to the Bitbucket step'));
        case 'file':
            return checked(async () => {
                if (!opts.idTokenFile)
                    throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)('--id-token-file is required with --oidc-source file.');
                const text = await node_fs__WEBPACK_IMPORTED_MODULE_1__.promises.readFile(opts.idTokenFile, 'utf8').catch(() => {
                    throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(`--id-token-file ${opts.idTokenFile} cannot be read: check the path.`);
                });
                if (!text.trim())
                    throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(`--id-token-file ${opts.idTokenFile} is empty.`);
                return text.trim();
            });
        case 'buildkite':
            return buildkiteIdToken(env);
        case 'azure':
            return checked(azureIdToken(env, http, opts));
        default:
            return async () => {
                throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(`OIDC source "${source}" is not supported here. ${_oidc_js__WEBPACK_IMPORTED_MODULE_3__/* .NO_OIDC_SOURCE */ .Qw}`);
            };
    }
}
/** The token's `aud` (a string or a list) against the audience we wanted; a mismatch is a warning. */
function warnOnAudience(token, wanted, ci, warn) {
    if (!warn)
        return;
    const aud = (0,_jwt_js__WEBPACK_IMPORTED_MODULE_6__/* .decodeJwtClaims */ .dG)(token)?.aud;
    const list = Array.isArray(aud)
        ? aud.filter((a) => typeof a === 'string')
        : typeof aud === 'string'
            ? [aud]
            : [];
    if (list.length === 0 || list.includes(wanted))
        return;
    warn(`The OIDC token from ${ci} is for audience ${list.map((a) => `"${a}"`).join(', ')}, not the requested "${wanted}"; ` +
        `the target may refuse it: set the audience in the CI's configuration, or pass --audience to match the token.`);
}
/**
 * Buildkite: `buildkite-agent oidc request-token --audience AUD` prints the JWT. Spawned without
 * a shell, stdin closed, bounded in time; the agent finds its own job credentials in the env.
 */
function buildkiteIdToken(env, agent = 'buildkite-agent', timeoutMs = 30_000) {
    return (audience) => new Promise((resolve, reject) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFile)(agent, ['oidc', 'request-token', '--audience', audience], { env: env, timeout: timeoutMs, maxBuffer: 256 * 1024, shell: false }, (err, stdout, stderr) => {
            if (!err) {
                const token = String(stdout).trim();
                return token
                    ? resolve(token)
                    : reject((0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .unavailable */ .hU)('`buildkite-agent oidc request-token` printed no token; try again later.'));
            }
            const e = err;
            if (e.code === 'ENOENT') {
                return reject((0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)('Buildkite was detected but `buildkite-agent` is not on PATH: run the step on a Buildkite agent, or pick another source with --oidc-source.'));
            }
            // The agent's own message, short and without anything token-shaped, says why.
            const why = String(stderr)
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean)
                .pop()
                ?.replace(/[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]+/g, '***')
                .slice(0, 200);
            const detail = e.killed ? `no answer within ${timeoutMs / 1000} s` : (why ?? `exit ${e.code}`);
            if (/\b(401|403)\b|forbidden|unauthori[sz]ed|not (?:allowed|permitted)/i.test(detail)) {
                return reject((0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .needsLogin */ .$0)(`Buildkite refused to issue an OIDC token (${detail}).`));
            }
            reject((0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .unavailable */ .hU)(`\`buildkite-agent oidc request-token\` failed (${detail}); try again later.`));
        });
        child.stdin?.end();
    });
}
/**
 * Azure Pipelines: POST ${SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=ID with the
 * job's System.AccessToken (mapped into the env as SYSTEM_ACCESSTOKEN) → {"oidcToken"}.
 */
function azureIdToken(env, http, opts) {
    return async () => {
        const base = env.SYSTEM_OIDCREQUESTURI;
        if (!base)
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(`SYSTEM_OIDCREQUESTURI is not set: this does not look like Azure Pipelines. ${_oidc_js__WEBPACK_IMPORTED_MODULE_3__/* .NO_OIDC_SOURCE */ .Qw}`);
        const bearer = env.SYSTEM_ACCESSTOKEN;
        if (!bearer) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)('Azure Pipelines does not give steps its access token unless asked: add `env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }` to the step.');
        }
        const connection = opts.azureServiceConnection?.trim() || AZURE_CONNECTION_VARS.map((v) => env[v]?.trim()).find(Boolean);
        if (!connection) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(`Azure Pipelines issues OIDC tokens per service connection: give its id with --azure-service-connection (or ${AZURE_CONNECTION_VARS[0]}).`);
        }
        const url = new URL(base);
        url.searchParams.set('api-version', AZURE_OIDC_API_VERSION);
        url.searchParams.set('serviceConnectionId', connection);
        const res = await http.request({
            method: 'POST',
            url: url.href,
            what: "Azure Pipelines' OIDC token service",
            headers: {
                authorization: `Bearer ${bearer}`,
                'content-type': 'application/json',
                // Without it, an expired access token gets a login page (HTTP 203) instead of a 401.
                'x-tfs-fedauthredirect': 'Suppress',
            },
        });
        if (res.status === 401 || res.status === 403) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .needsLogin */ .$0)(`Azure Pipelines' OIDC token service refused the job's access token (HTTP ${res.status}): check that SYSTEM_ACCESSTOKEN is mapped and the pipeline may use service connection ${connection}.`);
        }
        const body = (0,_protocols_responses_js__WEBPACK_IMPORTED_MODULE_4__/* .ensureOk */ .B4)(res, "Azure Pipelines' OIDC token service");
        if (typeof body.oidcToken !== 'string' || !body.oidcToken) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .unavailable */ .hU)("Azure Pipelines' OIDC token service answered without an oidcToken; try again later.");
        }
        return body.oidcToken;
    };
}


/***/ })

};
;