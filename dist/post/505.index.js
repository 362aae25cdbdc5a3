export const id = 505;
export const ids = [505];
export const modules = {

/***/ 7505:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   otherCiFetcher: () => (/* binding */ otherCiFetcher)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4296);
/* harmony import */ var _oidc_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9070);



/** CIs other than GitHub. Those that inject a ready token cannot vary its audience. */
function otherCiFetcher(source, env, _http, opts) {
    const fromVar = (name) => async () => {
        const v = env[name];
        if (!v)
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(`The OIDC token variable ${name} is empty or unset. ${_oidc_js__WEBPACK_IMPORTED_MODULE_2__/* .NO_OIDC_SOURCE */ .Qw}`);
        return v.trim();
    };
    switch (source) {
        case 'gitlab':
        case 'env':
            return fromVar(opts.idTokenEnv || 'DEPLOY_LOGIN_ID_TOKEN');
        case 'circleci':
            return fromVar(env.CIRCLE_OIDC_TOKEN_V2 ? 'CIRCLE_OIDC_TOKEN_V2' : 'CIRCLE_OIDC_TOKEN');
        case 'bitbucket':
            return fromVar('BITBUCKET_STEP_OIDC_TOKEN');
        case 'file':
            return async () => {
                if (!opts.idTokenFile)
                    throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)('--id-token-file is required with --oidc-source file.');
                const text = await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.readFile(opts.idTokenFile, 'utf8').catch(() => {
                    throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(`--id-token-file ${opts.idTokenFile} cannot be read.`);
                });
                return text.trim();
            };
        default:
            return async () => {
                throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(`OIDC source "${source}" is not supported yet. ${_oidc_js__WEBPACK_IMPORTED_MODULE_2__/* .NO_OIDC_SOURCE */ .Qw}`);
            };
    }
}


/***/ })

};
