"use strict";
exports.id = 190;
exports.ids = [190];
exports.modules = {

/***/ 7190:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   verifyToken: () => (/* binding */ verifyToken)
/* harmony export */ });
/* unused harmony export checkUrlOf */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _protocols_responses_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6613);


/**
 * Where a target answers "is this token still good?": the --check-url stored at login, else the
 * json protocol's check path (joined to the target URL). Undefined when neither is configured.
 */
function checkUrlOf(entry) {
    const o = entry.options ?? {};
    if (typeof o.checkUrl === 'string' && o.checkUrl)
        return o.checkUrl;
    const json = o.json;
    if (json && typeof json.checkPath === 'string' && json.checkPath) {
        return /^https?:\/\//.test(json.checkPath)
            ? json.checkPath
            : entry.url.replace(/\/+$/, '') + json.checkPath;
    }
    return undefined;
}
/**
 * Ask the target: GET the check endpoint with the token as a bearer. 2xx = valid; 401/403 =
 * needs login (exit 3); 5xx and network trouble = unavailable (after retries); anything else is
 * a configuration problem.
 */
async function verifyToken(ctx, name, entry) {
    const checkUrl = checkUrlOf(entry);
    if (!checkUrl) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`status --verify needs a check endpoint for target "${name}": log in with --check-url URL (or, with protocol json, --check-path).`);
    }
    ctx.secrets.add(entry.token);
    const what = 'the check endpoint';
    const res = await ctx.http.request({
        method: 'GET',
        url: checkUrl,
        what,
        insecure: entry.insecure,
        headers: { authorization: `Bearer ${entry.token}` },
    });
    if (res.status >= 200 && res.status < 300)
        return { checkUrl, status: res.status };
    if (res.status === 401 || res.status === 403) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .needsLogin */ .$0)(`The target says the token for "${name}" is no longer valid (HTTP ${res.status} from ${checkUrl}): log in again.`);
    }
    throw (0,_protocols_responses_js__WEBPACK_IMPORTED_MODULE_1__/* .rejection */ .cz)(res, `${what} ${checkUrl}`);
}


/***/ })

};
;