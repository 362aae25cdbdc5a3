export const id = 786;
export const ids = [786];
export const modules = {

/***/ 8786:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   saveGrant: () => (/* binding */ saveGrant)
/* harmony export */ });
/* unused harmony exports checkFormats, formatContext, login */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _context_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(392);
/* harmony import */ var _formats_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7428);
/* harmony import */ var _protocols_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4785);
/* harmony import */ var _store_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4230);
/* harmony import */ var _toolfiles_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(2446);






/** Refuse formats we cannot write before anything is sent. */
function checkFormats(spec, label = 'format') {
    for (const f of spec.formats) {
        if (!writerFor(f))
            throw invalidInput(`${label} "${f}" is not available in this version of deploy-login.`);
    }
}
function formatContext(ctx, spec, grant) {
    return {
        target: spec,
        token: grant.token,
        username: grant.username ?? spec.username,
        expiresAt: grant.expiresAt,
        refreshToken: grant.refreshToken,
        env: ctx.env,
        home: ctx.home,
        platform: ctx.platform,
        storeDir: (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .storeDir */ .r)(ctx),
    };
}
/**
 * Log in: obtain a token, merge it into each tool file, then record it in the store.
 * On any failure, the tool files written so far are undone: nothing half-written stays.
 */
async function login(spec, creds, ctx) {
    for (const s of [creds.password, creds.token, creds.clientSecret])
        ctx.secrets.add(s);
    checkFormats(spec);
    const protocol = await protocolFor(spec);
    const grant = await protocol.obtain(spec, creds, {
        http: ctx.http,
        idToken: ctx.idToken,
        secrets: ctx.secrets,
        env: ctx.env,
        now: ctx.now,
        log: ctx.log,
    });
    ctx.secrets.add(grant.token);
    ctx.secrets.add(grant.refreshToken);
    return saveGrant(spec, grant, ctx);
}
async function saveGrant(spec, grant, ctx) {
    const fctx = formatContext(ctx, spec, grant);
    const previous = await readPreviousJournal(ctx, spec.name);
    const written = [];
    const undo = [];
    const variables = {};
    try {
        for (const format of spec.formats) {
            const writer = (0,_formats_index_js__WEBPACK_IMPORTED_MODULE_2__/* .writerFor */ .P)(format);
            const earlier = previous.find((j) => j.format === format);
            const { journal: j, before } = await (0,_toolfiles_js__WEBPACK_IMPORTED_MODULE_5__/* .writeToolFile */ .cL)(writer, fctx, earlier);
            written.push(j);
            undo.push(() => (0,_toolfiles_js__WEBPACK_IMPORTED_MODULE_5__/* .rollbackToolFile */ .dq)(j.path, before, j.writtenHash));
            if (j.exportVar)
                variables[j.exportVar.name] = j.exportVar.value;
            Object.assign(variables, writer.variables?.(fctx) ?? {});
        }
        await (0,_store_js__WEBPACK_IMPORTED_MODULE_4__/* .updateStore */ .fF)(ctx.storePath, (data) => {
            const entry = {
                url: spec.url,
                protocol: spec.protocol,
                method: spec.method,
                insecure: spec.insecure,
                token: grant.token,
                ...(grant.expiresAt ? { expiresAt: grant.expiresAt } : {}),
                ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}),
                ...(fctx.username ? { username: fctx.username } : {}),
                audience: spec.audience,
                ...(spec.tokenEndpoint ? { tokenEndpoint: spec.tokenEndpoint } : {}),
                ...(spec.clientId ? { clientId: spec.clientId } : {}),
                ...(spec.scope ? { scope: spec.scope } : {}),
                formats: spec.formats,
                ...(Object.keys(spec.options).length ? { options: spec.options } : {}),
                loggedInAt: new Date(ctx.now()).toISOString(),
                // Files written earlier for formats not asked for this time stay recorded, to be undone later.
                files: [
                    ...previous.filter((p) => !written.some((w) => w.path === p.path && w.key === p.key)),
                    ...written,
                ],
            };
            data.targets[spec.name] = entry;
            if (!data.current || !data.targets[data.current])
                data.current = spec.name;
        }, { replaceCorrupt: ctx.warn });
    }
    catch (err) {
        for (const step of undo.reverse())
            await step().catch(() => undefined);
        throw err;
    }
    return {
        target: spec.name,
        url: spec.url,
        method: spec.method,
        token: grant.token,
        expiresAt: grant.expiresAt,
        refreshToken: grant.refreshToken,
        files: written,
        variables,
        storePath: ctx.storePath,
    };
}
async function readPreviousJournal(ctx, name) {
    try {
        return (await (0,_store_js__WEBPACK_IMPORTED_MODULE_4__/* .readStore */ .uz)(ctx.storePath)).targets[name]?.files ?? [];
    }
    catch {
        return [];
    }
}


/***/ })

};
