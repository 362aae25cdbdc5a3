"use strict";
exports.id = 177;
exports.ids = [177];
exports.modules = {

/***/ 3177:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   refreshCommand: () => (/* binding */ refreshCommand)
/* harmony export */ });
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _core_session_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6891);
/* harmony import */ var _core_store_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5511);
/* harmony import */ var _args_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7593);
/* harmony import */ var _io_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7330);
/* harmony import */ var _relogin_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9640);






/**
 * `deploy-login refresh [--target NAME] [--json]`: trade the stored refresh token for a new token
 * now (before a long deploy, say), rewriting the store and the tool files. Exit 3 when the target
 * gave no refresh token or refuses it.
 */
async function refreshCommand(cli, argv) {
    const { values: v } = (0,_args_js__WEBPACK_IMPORTED_MODULE_3__/* .parse */ .qg)('refresh', argv, _args_js__WEBPACK_IMPORTED_MODULE_3__/* .COMMON */ .Sq);
    const data = await (0,_core_store_js__WEBPACK_IMPORTED_MODULE_2__/* .readStore */ .uz)(cli.ctx.storePath);
    const name = (0,_core_store_js__WEBPACK_IMPORTED_MODULE_2__/* .pickTargetName */ .aT)((0,_args_js__WEBPACK_IMPORTED_MODULE_3__/* .str */ .gx)(v.target), cli.env, data);
    const entry = data.targets[name];
    if (!entry)
        throw (0,_core_session_js__WEBPACK_IMPORTED_MODULE_1__/* .needsLoginError */ .rc)((0,_core_session_js__WEBPACK_IMPORTED_MODULE_1__/* .describe */ .q0)(name, entry, data, cli.ctx.now()));
    if (!entry.refreshToken) {
        throw (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .needsLogin */ .$0)(`Target "${name}" has no refresh token (its ${entry.protocol} ${entry.method} login did not give one): log in again.`);
    }
    const creds = (0,_relogin_js__WEBPACK_IMPORTED_MODULE_5__/* .environmentCredentials */ .S)(cli.env);
    for (const s of Object.values(creds))
        cli.ctx.secrets.add(s);
    cli.ctx.secrets.add(entry.token);
    const fresh = await (0,_core_session_js__WEBPACK_IMPORTED_MODULE_1__/* .refresh */ .Ow)(cli.ctx, name, entry, creds);
    if (v.json) {
        cli.io.out(JSON.stringify({
            outcome: 'success',
            exitCode: 0,
            target: name,
            url: fresh.url,
            expiresAt: fresh.expiresAt ?? null,
            credentialsFile: cli.ctx.storePath,
        }) + '\n');
        return 0;
    }
    const exp = fresh.expiresAt ? `; it expires ${fresh.expiresAt}` : '';
    cli.io.err(`${(0,_io_js__WEBPACK_IMPORTED_MODULE_4__/* .paint */ .nI)(cli.io, 'green', 'Refreshed')} the token for "${name}" (${fresh.url})${exp}.\n`);
    return 0;
}


/***/ })

};
;