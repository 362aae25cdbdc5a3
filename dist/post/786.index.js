"use strict";
exports.id = 786;
exports.ids = [786];
exports.modules = {

/***/ 8786:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   saveGrant: () => (/* binding */ saveGrant)
/* harmony export */ });
/* unused harmony exports checkFormats, formatContext, login, obtainGrant, saveGrants */
/* harmony import */ var _time_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(2334);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _jwt_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3622);
/* harmony import */ var _context_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3183);
/* harmony import */ var _formats_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1875);
/* harmony import */ var _protocols_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8477);
/* harmony import */ var _store_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5511);
/* harmony import */ var _toolfiles_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(1537);








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
        ...(grant.identityToken ? { identityToken: true } : {}),
        warn: ctx.warn,
        env: ctx.env,
        home: ctx.home,
        platform: ctx.platform,
        storeDir: (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .storeDir */ .rT)(ctx),
    };
}
/**
 * Log in: obtain a token, merge it into each tool file, then record it in the store.
 * On any failure, the tool files written so far are undone: nothing half-written stays.
 */
async function login(spec, creds, ctx) {
    return saveGrant(spec, await obtainGrant(spec, creds, ctx), ctx);
}
/** The network half of a login: ask the target for a token (every secret registered on the way). */
async function obtainGrant(spec, creds, ctx) {
    for (const s of [creds.password, creds.token, creds.clientSecret])
        ctx.secrets.add(s);
    checkFormats(spec);
    const protocol = await protocolFor(spec);
    const grant = await protocol.obtain(spec, creds, protocolDeps(ctx));
    ctx.secrets.add(grant.token);
    ctx.secrets.add(grant.refreshToken);
    return grant;
}
async function saveGrant(spec, grant, ctx) {
    const [saved] = await saveGrants([{ spec, grant, ctx }], ctx);
    if ('error' in saved)
        throw saved.error;
    return saved;
}
/**
 * Write several grants under one hold of the store's lock and with one store write: a step that
 * logs in to 50 targets reads, writes and fsyncs the store once per batch, not 50 times.
 *
 * Lock order is always the store, then a tool file (logout does the same), so concurrent runs
 * cannot deadlock. Each grant's tool files are written or rolled back on their own; if the store
 * write itself fails, every file of the batch is rolled back. Nothing half-written stays.
 */
async function saveGrants(items, storeCtx) {
    for (const { grant, ctx } of items)
        for (const w of (0,_jwt_js__WEBPACK_IMPORTED_MODULE_6__/* .clockWarnings */ .eW)(grant.token, grant.expiresAt, ctx.now()))
            ctx.warn(w);
    const outcomes = items.map(() => ({ error: new Error('not saved') }));
    const done = [];
    try {
        await (0,_store_js__WEBPACK_IMPORTED_MODULE_4__/* .updateStore */ .fF)(storeCtx.storePath, async (data) => {
            // Targets write their files side by side (each file has its own lock; two targets sharing
            // one, like ~/.docker/config.json, take turns), so a batch waits for its fsyncs together.
            await Promise.all(items.map(async (item, i) => {
                const owner = (0,_toolfiles_js__WEBPACK_IMPORTED_MODULE_5__/* .ownerOf */ .bf)(storeCtx.storePath, item.spec.name);
                const previous = data.targets[item.spec.name]?.files ?? [];
                const undo = [];
                try {
                    const { result, entry } = await writeFiles(item, previous, owner, undo);
                    data.targets[item.spec.name] = entry;
                    outcomes[i] = result;
                    done.push(undo);
                }
                catch (err) {
                    for (const step of undo.reverse())
                        await step().catch(() => undefined);
                    outcomes[i] = { error: err };
                }
            }));
            const first = items.find((_, i) => !('error' in outcomes[i]));
            if (first && (!data.current || !data.targets[data.current]))
                data.current = first.spec.name;
        }, { replaceCorrupt: storeCtx.warn, only: () => items.map((item) => item.spec.name) });
    }
    catch (err) {
        for (const undo of done)
            for (const step of undo.reverse())
                await step().catch(() => undefined);
        return items.map(() => ({ error: err }));
    }
    return outcomes;
}
async function writeFiles({ spec, grant, ctx }, previous, owner, undo) {
    const fctx = formatContext(ctx, spec, grant);
    const written = [];
    const variables = {};
    for (const format of spec.formats) {
        const writer = (0,_formats_index_js__WEBPACK_IMPORTED_MODULE_2__/* .writerFor */ .P)(format);
        const earlier = previous.find((j) => j.format === format);
        const write = await (0,_toolfiles_js__WEBPACK_IMPORTED_MODULE_5__/* .writeToolFile */ .cL)(writer, fctx, earlier, owner);
        written.push(write.journal);
        undo.push(() => (0,_toolfiles_js__WEBPACK_IMPORTED_MODULE_5__/* .rollbackWrite */ .iM)(writer, write, owner));
        if (write.journal.exportVar)
            variables[write.journal.exportVar.name] = write.journal.exportVar.value;
        Object.assign(variables, writer.variables?.(fctx) ?? {});
    }
    const entry = {
        url: spec.url,
        protocol: spec.protocol,
        method: spec.method,
        insecure: spec.insecure,
        // A password or CI token that only a tool file may hold is never written to the store.
        token: grant.secretInToolFileOnly ? '' : grant.token,
        ...(grant.secretInToolFileOnly ? { tokenInToolFileOnly: true } : {}),
        ...(grant.expiresAt ? { expiresAt: grant.expiresAt } : {}),
        ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}),
        ...(fctx.username ? { username: fctx.username } : {}),
        audience: spec.audience,
        ...(spec.tokenEndpoint ? { tokenEndpoint: spec.tokenEndpoint } : {}),
        ...(spec.clientId ? { clientId: spec.clientId } : {}),
        ...(spec.scope ? { scope: spec.scope } : {}),
        formats: spec.formats,
        ...(Object.keys(spec.options).length ? { options: spec.options } : {}),
        loggedInAt: (0,_time_js__WEBPACK_IMPORTED_MODULE_7__/* .isoTime */ .L)(ctx.now()),
        // Files written earlier for formats not asked for this time stay recorded, to be undone later.
        files: [
            ...previous.filter((p) => !written.some((w) => w.path === p.path && w.key === p.key)),
            ...written,
        ],
    };
    const result = {
        target: spec.name,
        url: spec.url,
        method: spec.method,
        token: grant.secretInToolFileOnly ? '' : grant.token,
        expiresAt: grant.expiresAt,
        refreshToken: grant.refreshToken,
        files: written,
        variables,
        storePath: ctx.storePath,
    };
    return { result, entry };
}


/***/ })

};
;