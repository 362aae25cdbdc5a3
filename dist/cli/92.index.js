"use strict";
exports.id = 92;
exports.ids = [92];
exports.modules = {

/***/ 2092:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  loginTargetsFile: () => (/* binding */ loginTargetsFile)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/core/context.ts + 1 modules
var context = __webpack_require__(3183);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/login.ts
var core_login = __webpack_require__(8786);
// EXTERNAL MODULE: ./src/core/protocols/index.ts
var protocols = __webpack_require__(8477);
// EXTERNAL MODULE: ./src/core/store.ts + 2 modules
var core_store = __webpack_require__(5511);
// EXTERNAL MODULE: ./src/core/target.ts
var target = __webpack_require__(4294);
// EXTERNAL MODULE: ./src/core/tool-options.ts
var tool_options = __webpack_require__(4498);
;// CONCATENATED MODULE: ./src/core/many.ts






/**
 * Logins in flight at once, unless DEPLOY_LOGIN_CONCURRENCY or --concurrency say otherwise. A
 * login waits on the network and costs a few ms of CPU, so 64 lets a step of 50 targets take one
 * round of round trips (bench/multi.mjs); a target that cannot take that many answers 429 and the
 * jittered Retry-After retries spread the load (the storm test).
 */
const DEFAULT_CONCURRENCY = 64;
const MAX_CONCURRENCY = 256;
/** More than this in one step is more likely a mistake (or a YAML bomb) than a plan. */
const MAX_TARGETS = 1000;
/** Item keys (kebab-case, like the Action's inputs) and the TargetInput field each fills. */
const STRING_KEYS = {
    target: 'target',
    url: 'url',
    method: 'method',
    username: 'username',
    audience: 'audience',
    protocol: 'protocol',
    'token-endpoint': 'tokenEndpoint',
    insecure: 'insecure',
    'client-id': 'clientId',
    scope: 'scope',
};
/** The json protocol's keys, as the Action's json-* inputs name them. */
const JSON_KEYS = {
    'json-recipe': 'recipe',
    'json-login-path': 'loginPath',
    'json-body': 'body',
    'json-token-field': 'tokenField',
    'json-expiry-field': 'expiryField',
    'json-expiry-kind': 'expiryKind',
    'json-refresh-path': 'refreshPath',
    'json-check-path': 'checkPath',
};
const SECRET_KEYS = {
    password: 'password',
    token: 'token',
    'client-secret': 'clientSecret',
};
const ALL_KEYS = [
    ...Object.keys(STRING_KEYS),
    'format',
    ...Object.keys(SECRET_KEYS),
    ...Object.keys(SECRET_KEYS).map((k) => `${k}-env`),
    ...tool_options/* TOOL_OPTIONS */.Q.map((t) => t.name),
    ...Object.keys(JSON_KEYS),
];
/** Parse and validate the whole list; throws invalid-input naming the item and key (`targets[2].url`). */
async function parseTargetList(text, o) {
    const raw = await parseYamlList(text, o.label);
    const at = (i) => `${o.label}[${i}]`;
    // Mask first: every secret value in the list, before any item is checked and any error printed.
    for (const item of raw) {
        if (!isMapping(item))
            continue;
        for (const key of Object.keys(SECRET_KEYS)) {
            const v = item[key];
            if (typeof v === 'string')
                o.secrets.add(v);
            const name = item[`${key}-env`];
            if (typeof name === 'string')
                o.secrets.add((0,core_store/* envValue */.$R)(o.env, name.trim()));
        }
    }
    if (raw.length === 0)
        throw (0,errors/* invalidInput */.aY)(`${o.label} is an empty list: give at least one target.`);
    if (raw.length > MAX_TARGETS)
        throw (0,errors/* invalidInput */.aY)(`${o.label} has ${raw.length} items; at most ${MAX_TARGETS} are supported in one step.`);
    const items = [];
    for (const [i, item] of raw.entries())
        items.push(await toItem(item, i, o));
    const seen = new Map();
    for (const it of items) {
        const first = seen.get(it.spec.name);
        if (first !== undefined) {
            throw (0,errors/* invalidInput */.aY)(`${at(it.index)}.target "${it.spec.name}" is already used by ${at(first)}: give each target its own name (it names the stored credential).`);
        }
        seen.set(it.spec.name, it.index);
    }
    // Everything a login would refuse later is refused now, before anything is sent.
    for (const it of items) {
        const label = itemLabel(at(it.index));
        (0,core_login/* checkFormats */.BO)(it.spec, label('format'));
        await (0,protocols/* protocolFor */.i)(it.spec, label('protocol'));
    }
    return items;
}
async function parseYamlList(text, label) {
    const { parseDocument } = await __webpack_require__.e(/* import() */ 815).then(__webpack_require__.t.bind(__webpack_require__, 8815, 19));
    // failsafe: every scalar stays a string, so a password such as 0123 or a `yes` is never
    // turned into a number or a boolean; `<<` merge keys let items share a block of settings.
    const doc = parseDocument(text, { schema: 'failsafe', merge: true, uniqueKeys: true });
    const err = doc.errors[0];
    if (err) {
        // The library's message quotes the offending line, which may hold a secret: say where, not what.
        const pos = err.linePos?.[0];
        const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
        const why = err.code.toLowerCase().replace(/_/g, ' ');
        throw (0,errors/* invalidInput */.aY)(`${label} is not valid YAML${where} (${why}): give a list of target mappings.`);
    }
    let value;
    try {
        value = doc.toJS({ maxAliasCount: 100 });
    }
    catch {
        // An alias to no anchor, or an alias bomb past maxAliasCount: the library throws while resolving.
        throw (0,errors/* invalidInput */.aY)(`${label} is not valid YAML (an alias (*name) that cannot be resolved): give a list of target mappings.`);
    }
    if (!Array.isArray(value)) {
        throw (0,errors/* invalidInput */.aY)(`${label} must be a YAML list of targets, each starting with "- " (e.g. "- target: staging" then "  url: https://...").`);
    }
    return value;
}
const isMapping = (v) => !!v && typeof v === 'object' && !Array.isArray(v);
function itemLabel(prefix) {
    return (key) => `${prefix}.${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;
}
async function toItem(item, index, o) {
    const prefix = `${o.label}[${index}]`;
    const label = itemLabel(prefix);
    if (!isMapping(item)) {
        throw (0,errors/* invalidInput */.aY)(`${prefix} must be a mapping of keys such as target, url and method, not a ${kindOf(item)}.`);
    }
    for (const key of Object.keys(item)) {
        if (!ALL_KEYS.includes(key)) {
            throw (0,errors/* invalidInput */.aY)(`${prefix} has an unknown key "${(0,target/* printable */.g$)(key)}": valid keys are ${ALL_KEYS.join(', ')}.`);
        }
    }
    const str = (key) => {
        const v = item[key];
        if (v === undefined || v === '' || v === null)
            return undefined;
        if (typeof v !== 'string')
            throw (0,errors/* invalidInput */.aY)(`${prefix}.${key} must be a single value, not a ${kindOf(v)}.`);
        return v;
    };
    const input = {
        ...(o.defaults?.input ?? {}),
        options: { ...(o.defaults?.input.options ?? {}) },
    };
    delete input.target;
    delete input.url;
    for (const [key, field] of Object.entries(STRING_KEYS)) {
        const v = str(key);
        if (v !== undefined)
            input[field] = v;
    }
    // docker-server, npm-registry, kube-*...: checked and stored exactly as the single-target inputs are.
    Object.assign(input.options, (0,tool_options/* readToolOptions */.F)(str, (name) => `${prefix}.${name}`, o.env));
    const format = item.format;
    if (format !== undefined && format !== '') {
        if (Array.isArray(format) && format.every((f) => typeof f === 'string'))
            input.format = format;
        else if (typeof format === 'string')
            input.format = format;
        else
            throw (0,errors/* invalidInput */.aY)(`${prefix}.format must be a list of formats or a comma-separated string.`);
    }
    const creds = secretsOf(prefix, str, o);
    if (!input.target)
        input.target = nameFromUrl(input.url);
    if (input.target)
        (0,target/* validateTargetName */.hW)(input.target.trim(), label('target'));
    const json = { ...(o.defaults?.json ?? {}) };
    for (const [key, field] of Object.entries(JSON_KEYS)) {
        const v = item[key];
        if (field === 'body' && Array.isArray(v) && v.every((x) => typeof x === 'string'))
            json.body = v;
        else if (field === 'body' && isMapping(v))
            json.body = JSON.stringify(v);
        else if (str(key) !== undefined)
            json[field] = str(key);
    }
    const jsonInUse = Object.values(json).some((v) => v !== undefined && v !== '');
    const resolved = jsonInUse || (input.protocol ?? '').trim() === 'json'
        ? (await __webpack_require__.e(/* import() */ 302).then(__webpack_require__.bind(__webpack_require__, 1302))).prepareJsonTarget(input, json, (key) => `${prefix}.json-${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`)
        : input;
    const spec = (0,target/* resolveTarget */.u1)(resolved, creds, { label, allowHttp: o.allowHttp });
    return { index, spec, creds };
}
function secretsOf(prefix, str, o) {
    const own = {};
    let gaveAny = false;
    for (const [key, field] of Object.entries(SECRET_KEYS)) {
        const inline = str(key);
        const envName = str(`${key}-env`)?.trim();
        if (inline !== undefined && envName !== undefined) {
            throw (0,errors/* invalidInput */.aY)(`${prefix} gives both ${key} and ${key}-env: keep one.`);
        }
        if (inline !== undefined) {
            if (!o.inlineSecrets) {
                throw (0,errors/* invalidInput */.aY)(`${prefix}.${key}: secrets are not read from a targets file (files get committed and copied): use ${key}-env: VARIABLE to name an environment variable that holds it.`);
            }
            own[field] = inline;
            gaveAny = true;
        }
        if (envName !== undefined) {
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envName)) {
                throw (0,errors/* invalidInput */.aY)(`${prefix}.${key}-env "${(0,target/* printable */.g$)(envName)}" is not an environment variable name.`);
            }
            const value = (0,core_store/* envValue */.$R)(o.env, envName);
            if (!value) {
                throw (0,errors/* invalidInput */.aY)(`${prefix}.${key}-env names ${envName}, which is not set or empty: set it (in a workflow, under env: from a secret).`);
            }
            own[field] = value;
            gaveAny = true;
        }
    }
    // An item with a secret of its own inherits none: a step-wide token must not turn an item's
    // `method: auto` with a username into a token login.
    return gaveAny ? own : { ...(o.defaults?.creds ?? {}) };
}
/** An item without `target` is named after its URL's host (`ghcr.io`, `127.0.0.1-8080`). */
function nameFromUrl(url) {
    if (!url)
        return undefined;
    try {
        return new URL(url.trim()).host.replace(/[^A-Za-z0-9._-]/g, '-') || undefined;
    }
    catch {
        return undefined;
    }
}
function kindOf(v) {
    if (Array.isArray(v))
        return 'list';
    if (v && typeof v === 'object')
        return 'mapping';
    return 'value';
}
/** DEPLOY_LOGIN_CONCURRENCY / --concurrency: a whole number from 1 to MAX_CONCURRENCY. */
function parseConcurrency(value, label) {
    if (value === undefined || value.trim() === '')
        return DEFAULT_CONCURRENCY;
    const n = Number(value.trim());
    if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
        throw (0,errors/* invalidInput */.aY)(`${label} must be a whole number from 1 to ${MAX_CONCURRENCY}, not "${(0,target/* printable */.g$)(value)}".`);
    }
    return n;
}
/**
 * Log in to every item, at most `concurrency` at a time. Never throws for a target's failure:
 * each target gets its own outcome. Results come back in list order.
 */
async function loginMany(items, store, o) {
    const results = new Array(items.length);
    const hadCurrent = await currentOf(store);
    // The limit is on logins talking to targets; writing files does not hold a slot, so the next
    // login starts while the previous one's files are written.
    const slots = semaphore(Math.max(1, o.concurrency));
    const commit = groupCommit(store, slots);
    // Targets with the same audience share one CI token: one request to the CI, not one per target.
    const idTokens = new Map();
    const metadataCache = new Map();
    const one = async (item) => {
        await slots.acquire();
        const started = Date.now();
        const log = [];
        const ctx = o.contextFor(item, (l) => log.push(l), { metadataCache });
        const fetchIdToken = ctx.idToken;
        ctx.idToken = (audience) => {
            let p = idTokens.get(audience);
            if (!p)
                idTokens.set(audience, (p = fetchIdToken(audience)));
            return p;
        };
        const base = {
            index: item.index,
            target: item.spec.name,
            url: item.spec.url,
            method: item.spec.method,
            log,
        };
        try {
            let grant;
            try {
                grant = await (0,core_login/* obtainGrant */.C5)(item.spec, item.creds, ctx);
            }
            finally {
                slots.release();
            }
            const login = await commit({ spec: item.spec, grant, ctx });
            return {
                ...base,
                outcome: 'success',
                exitCode: 0,
                ...(login.expiresAt ? { expiresAt: login.expiresAt } : {}),
                attempts: ctx.http.attempts,
                durationMs: Date.now() - started,
                login,
            };
        }
        catch (err) {
            const f = (0,errors/* toFailure */.w2)(err);
            return {
                ...base,
                ...(f.stack ? { stack: f.stack } : {}),
                outcome: f.outcome,
                exitCode: f.exitCode,
                error: f.message,
                attempts: ctx.http.attempts,
                durationMs: Date.now() - started,
            };
        }
    };
    await Promise.all(items.map(async (item, i) => {
        results[i] = await one(item);
        o.onDone?.(results[i]);
    }));
    if (!hadCurrent)
        await preferFirst(store, results);
    return results;
}
function semaphore(size) {
    let held = 0;
    const waiting = [];
    let idlers = [];
    return {
        async acquire() {
            if (held < size)
                held++;
            else
                await new Promise((r) => waiting.push(r));
        },
        release() {
            const nextUp = waiting.shift();
            if (nextUp)
                nextUp();
            else
                held--;
            if (held === 0) {
                for (const r of idlers)
                    r();
                idlers = [];
            }
        },
        busy: () => held + waiting.length,
        idle: () => (held === 0 ? Promise.resolve() : new Promise((r) => idlers.push(r))),
    };
}
/** The step's exit code: the most severe outcome of all targets (see docs/multi-target.md). */
function overallOutcome(results) {
    const outcome = (0,errors/* mostSevere */.ux)(results.map((r) => r.outcome));
    return { outcome, exitCode: errors/* EXIT_CODES */.ai[outcome] };
}
/**
 * Grants finishing while a store write is under way queue for the next one: one lock, one read
 * and one write of the store per batch however many targets finish together.
 */
const GATHER_MS = 15;
function groupCommit(store, logins) {
    let queue = [];
    let running;
    const flush = async () => {
        while (queue.length) {
            const batch = queue;
            queue = [];
            try {
                const saved = await (0,core_login/* saveGrants */.$q)(batch.map((b) => b.g), store);
                saved.forEach((s, i) => ('error' in s ? batch[i].reject(s.error) : batch[i].resolve(s)));
            }
            catch (err) {
                for (const b of batch)
                    b.reject(err);
            }
        }
        running = undefined;
    };
    return (g) => new Promise((resolve, reject) => {
        queue.push({ g, resolve, reject });
        // Each batch costs a store write and an fsync: while logins are still out, give the ones
        // about to finish a moment (at most GATHER_MS) to join this batch.
        running ??= Promise.race([
            logins.idle(),
            new Promise((r) => setTimeout(r, logins.busy() > 0 ? GATHER_MS : 0)),
        ]).then(flush);
    });
}
async function currentOf(store) {
    try {
        const data = await (0,core_store/* readStore */.uz)(store.storePath, (d) => d.current ?? []);
        return !!data.current && !!data.targets[data.current];
    }
    catch {
        return false;
    }
}
/** "current" is the first target of the list that logged in, not whichever finished first. */
async function preferFirst(store, results) {
    const first = results.find((r) => r.outcome === 'success');
    if (!first)
        return;
    const ours = new Set(results.filter((r) => r.outcome === 'success').map((r) => r.target));
    const now = await (0,core_store/* readStore */.uz)(store.storePath, (d) => d.current ?? []).catch(() => undefined);
    if (!now || now.current === first.target || !now.current || !ours.has(now.current))
        return;
    await (0,core_store/* updateStore */.fF)(store.storePath, (data) => {
        // Only take over a "current" this step set itself; never fight another writer's choice.
        if (data.current && ours.has(data.current) && data.targets[first.target])
            data.current = first.target;
    }, { only: () => first.target }).catch(() => undefined);
}

// EXTERNAL MODULE: ./src/cli/args.ts
var args = __webpack_require__(7593);
// EXTERNAL MODULE: ./src/cli/io.ts + 1 modules
var io = __webpack_require__(7330);
// EXTERNAL MODULE: ./src/cli/login-extras.ts
var login_extras = __webpack_require__(6203);
;// CONCATENATED MODULE: ./src/cli/many.ts







/** Flags that name one target, or carry its secret: meaningless next to a list of targets. */
const SINGLE_ONLY = [
    'url',
    'target',
    'password-stdin',
    'token-stdin',
    'get-device-code',
    'check-device-code',
];
/**
 * `deploy-login login --targets-file FILE`: log in to every target of a YAML list, in parallel.
 * Secrets come only from environment variables the file names (`password-env: VAR`); the other
 * login flags (--format, --protocol, --method...) are defaults every item can override.
 */
async function loginTargetsFile(cli, v) {
    const file = (0,args/* str */.gx)(v['targets-file']);
    for (const flag of SINGLE_ONLY) {
        if (v[flag] !== undefined && v[flag] !== false) {
            throw (0,errors/* invalidInput */.aY)(`--${flag} cannot be used with --targets-file: put it in each item of the file instead.`);
        }
    }
    if (typeof v.password === 'string' || typeof v.token === 'string') {
        throw (0,errors/* invalidInput */.aY)('Secrets are not accepted on the command line: use password-env / token-env in the targets file.');
    }
    const label = `--targets-file ${file}`;
    const text = file === '-' ? await (0,io/* readStdin */.vJ)() : await readTargetsFile(file);
    const { env, ctx } = cli;
    const allowHttp = env.DEPLOY_LOGIN_ALLOW_HTTP === 'true';
    const defaults = await (0,login_extras/* withLoginExtras */.Jk)({
        method: (0,args/* str */.gx)(v.method),
        protocol: (0,args/* str */.gx)(v.protocol),
        username: (0,args/* str */.gx)(v.username),
        audience: (0,args/* str */.gx)(v.audience),
        tokenEndpoint: (0,args/* str */.gx)(v['token-endpoint']),
        clientId: (0,args/* str */.gx)(v['client-id']),
        scope: (0,args/* str */.gx)(v.scope),
        format: (0,args/* list */.p_)(v.format).join(','),
        insecure: v.insecure === true ? true : undefined,
    }, v, env);
    const concurrency = parseConcurrency((0,args/* str */.gx)(v.concurrency) ?? env.DEPLOY_LOGIN_CONCURRENCY, (0,args/* str */.gx)(v.concurrency) !== undefined ? '--concurrency' : 'DEPLOY_LOGIN_CONCURRENCY');
    const items = await parseTargetList(text, {
        label,
        defaults: { input: defaults, creds: {} },
        inlineSecrets: false,
        env,
        allowHttp,
        secrets: ctx.secrets,
    });
    const json = v.json === true;
    const results = await loginMany(items, ctx, {
        concurrency,
        contextFor: (item, sink, shared) => (0,context/* createContext */.q6)({
            ...shared,
            env,
            home: ctx.home,
            storePath: ctx.storePath,
            secrets: ctx.secrets,
            log: (text) => sink({ level: 'info', text }),
            warn: (text) => sink({ level: 'warn', text }),
            ...((0,login_extras/* oidcOptionsOf */.z2)(item.spec) ? { oidc: (0,login_extras/* oidcOptionsOf */.z2)(item.spec) } : {}),
        }),
        // Each target's lines come out together when it is done, so parallel logins never interleave.
        onDone: (r) => printOne(cli, r),
    });
    const overall = overallOutcome(results);
    if (json) {
        cli.io.out(JSON.stringify({
            outcome: overall.outcome,
            exitCode: overall.exitCode,
            credentialsFile: ctx.storePath,
            results: results.map((r) => ({
                target: r.target,
                outcome: r.outcome,
                exitCode: r.exitCode,
                expiresAt: r.expiresAt ?? null,
                url: r.url,
                method: r.method,
                attempts: r.attempts,
                durationMs: r.durationMs,
                ...(r.error ? { error: r.error } : {}),
                files: (r.login?.files ?? []).map((f) => ({ format: f.format, path: f.path })),
            })),
        }) + '\n');
    }
    const ok = results.filter((r) => r.outcome === 'success').length;
    const tail = overall.exitCode === 0 ? '' : `; exit ${overall.exitCode} (${overall.outcome}, the most severe outcome)`;
    cli.io.err(`Logged in to ${ok} of ${results.length} target${results.length === 1 ? '' : 's'}${tail}.\n`);
    return overall.exitCode;
}
async function readTargetsFile(file) {
    try {
        return await external_node_fs_.promises.readFile(file, 'utf8');
    }
    catch (err) {
        const code = err.code;
        throw (0,errors/* invalidInput */.aY)(code === 'ENOENT'
            ? `--targets-file ${file} does not exist.`
            : `--targets-file ${file} cannot be read (${code ?? 'error'}).`);
    }
}
function printOne(cli, r) {
    const tag = `[${r.target}]`;
    for (const l of r.log) {
        cli.io.err(`${tag} ${l.level === 'warn' ? (0,io/* paint */.nI)(cli.io, 'yellow', `warning: ${l.text}`) : (0,io/* paint */.nI)(cli.io, 'dim', l.text)}\n`);
    }
    if (r.outcome === 'success') {
        const exp = r.expiresAt ? `, expires ${r.expiresAt}` : '';
        cli.io.err(`${tag} ${(0,io/* paint */.nI)(cli.io, 'green', 'logged in')} to ${r.url} with ${r.method}${exp}.\n`);
    }
    else {
        cli.io.err(`${tag} ${(0,io/* paint */.nI)(cli.io, 'red', r.outcome)} (exit ${r.exitCode}): ${r.error}\n`);
    }
}


/***/ })

};
;