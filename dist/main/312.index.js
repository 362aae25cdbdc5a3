"use strict";
exports.id = 312;
exports.ids = [312,638];
exports.modules = {

/***/ 1312:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  loginMany: () => (/* binding */ many_loginMany)
});

// EXTERNAL MODULE: ./src/action/runner.ts
var runner = __webpack_require__(5242);
// EXTERNAL MODULE: ./src/core/context.ts
var context = __webpack_require__(8480);
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
    const outcome = mostSevere(results.map((r) => r.outcome));
    return { outcome, exitCode: EXIT_CODES[outcome] };
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

// EXTERNAL MODULE: ./src/core/run.ts
var core_run = __webpack_require__(8638);
// EXTERNAL MODULE: ./src/core/session.ts
var session = __webpack_require__(6891);
// EXTERNAL MODULE: ./src/action/argv.ts
var argv = __webpack_require__(4322);
// EXTERNAL MODULE: ./src/action/idtoken.ts
var idtoken = __webpack_require__(372);
// EXTERNAL MODULE: ./src/action/inputs.ts
var action_inputs = __webpack_require__(1729);
;// CONCATENATED MODULE: ./src/action/many.ts









/** Per-target variables the env format also sets without the target's name; only the current target keeps those. */
const UNSUFFIXED = new Set([
    'DEPLOY_LOGIN_TOKEN',
    'DEPLOY_LOGIN_URL',
    'DEPLOY_LOGIN_TARGET',
    'DEPLOY_LOGIN_EXPIRES_AT',
]);
/**
 * Several targets in one step (the `targets` input): every item validated first, logins in
 * parallel, each target's log printed as one group when it is done, then `run` once per
 * logged-in target, in list order. The step's exit code is the most severe outcome.
 */
async function many_loginMany(inputs, ctx, state) {
    if (inputs.target.url?.trim()) {
        throw (0,errors/* invalidInput */.aY)('`url` and `targets` cannot be used together: give each target its url inside `targets`.');
    }
    const name = inputs.target.target?.trim();
    if (name && name !== 'default') {
        throw (0,errors/* invalidInput */.aY)('`target` and `targets` cannot be used together: name each target inside `targets`.');
    }
    const env = process.env;
    const concurrency = parseConcurrency(env.DEPLOY_LOGIN_CONCURRENCY, 'DEPLOY_LOGIN_CONCURRENCY');
    const { target: _t, url: _u, ...shared } = inputs.target;
    const items = await parseTargetList(inputs.targetsYaml, {
        label: '`targets`',
        defaults: { input: shared, creds: inputs.creds, json: inputs.json },
        inlineSecrets: true,
        env,
        allowHttp: env.DEPLOY_LOGIN_ALLOW_HTTP === 'true',
        secrets: ctx.secrets,
    });
    if (items.some((i) => i.spec.method === 'oidc'))
        (0,idtoken/* requireIdTokenPermission */.N)(env);
    const command = inputs.run ? (0,argv/* splitCommand */.G)(inputs.run) : [];
    const timeoutMs = (0,action_inputs/* parseTimeout */.ZZ)(inputs.timeout);
    const secrets = ctx.secrets;
    const idToken = (0,idtoken/* actionsIdToken */.a)(env);
    runner/* info */.pq(`deploy-login: logging in to ${items.length} target${items.length === 1 ? '' : 's'}, ${Math.min(concurrency, items.length)} at a time.`);
    const results = await loginMany(items, ctx, {
        concurrency,
        contextFor: (_item, sink, shared) => (0,context/* createContext */.q6)({
            ...shared,
            env,
            home: ctx.home,
            storePath: ctx.storePath,
            secrets,
            idToken,
            log: (text) => sink({ level: 'info', text }),
            warn: (text) => sink({ level: 'warn', text }),
        }),
        onDone: (r) => printGroup(r, secrets.redact.bind(secrets)),
    });
    const ok = results.filter((r) => r.outcome === 'success');
    state.targets.push(...ok.map((r) => r.target));
    publish(results, ctx);
    const runs = new Map();
    if (command.length) {
        for (const r of ok) {
            const login = r.login;
            runner/* startGroup */.Oh(`deploy to ${r.target}: ${command[0]}`);
            const run = await (0,core_run.runDeploy)({
                command,
                env,
                childEnv: { ...login.variables, ...(0,session/* deployEnv */.vn)(r.target, login, ctx.storePath) },
                timeoutMs,
                stdout: (t) => process.stdout.write(secrets.redact(t)),
                stderr: (t) => process.stderr.write(secrets.redact(t)),
                redact: (t) => secrets.redact(t),
            });
            runner/* endGroup */.N4();
            runs.set(r.target, run);
            if (run.exitCode !== 0) {
                runner/* error */.z3(run.outcome === 'needs-login'
                    ? `${r.target}: the deploy command was refused for authentication (${run.reason}): needs login.`
                    : `${r.target}: the deploy command failed (exit ${run.commandExitCode ?? run.signal}): deploy failed.`);
            }
        }
    }
    const final = (r) => runs.get(r.target)?.outcome ?? r.outcome;
    runner/* setOutput */.uH('results', JSON.stringify(results.map((r) => {
        const run = runs.get(r.target);
        return {
            target: r.target,
            outcome: final(r),
            'exit-code': errors/* EXIT_CODES */.ai[final(r)],
            'expires-at': r.expiresAt ?? '',
            url: r.url,
            ...(r.error ? { error: secrets.redact(r.error) } : {}),
            ...(run ? { 'command-exit-code': run.commandExitCode } : {}),
        };
    })));
    if (command.length && inputs.githubDeployment) {
        const { recordDeployments } = await Promise.all(/* import() */[__webpack_require__.e(421), __webpack_require__.e(510)]).then(__webpack_require__.bind(__webpack_require__, 5510));
        await recordDeployments(results.map((r) => ({ target: r.target, url: r.url, outcome: final(r) })), secrets, inputs.githubToken);
    }
    return {
        outcome: (0,errors/* mostSevere */.ux)(results.map(final)),
        anyLoggedIn: ok.length > 0,
        rows: results.map((r) => ({
            result: {
                target: r.target,
                url: r.url,
                method: r.method,
                expiresAt: r.expiresAt,
                files: r.login?.files ?? [],
            },
            outcome: final(r),
            run: runs.get(r.target),
        })),
    };
}
/** One collapsible group per target, printed whole when it is done, so parallel logins never interleave. */
function printGroup(r, redact) {
    runner/* startGroup */.Oh(`${r.target}: ${r.outcome}${r.outcome === 'success' ? '' : ` (exit ${r.exitCode})`}`);
    for (const l of r.log) {
        if (l.level === 'warn')
            runner/* warning */.$e(redact(`${r.target}: ${l.text}`));
        else
            runner/* info */.pq(redact(l.text));
    }
    if (r.stack)
        runner/* debug */.Yz(redact(r.stack));
    if (r.outcome === 'success') {
        const exp = r.expiresAt ? `, expires ${r.expiresAt}` : '';
        runner/* info */.pq(`Logged in to "${r.target}" (${r.url}) with ${r.method}${exp} in ${r.durationMs} ms, ${r.attempts} HTTP attempt(s).`);
        for (const f of r.login?.files ?? [])
            runner/* info */.pq(`  wrote ${f.format}: ${f.path}`);
    }
    runner/* endGroup */.N4();
    // Outside the group, so a failure shows without expanding anything.
    if (r.error)
        runner/* error */.z3(redact(`${r.target}: ${r.error}`));
}
/**
 * Outputs and variables for later steps. `target`, `token` and `expires-at` describe the current
 * target (the first in the list that logged in); `results` has every target.
 */
function publish(results, ctx) {
    const ok = results.filter((r) => r.outcome === 'success');
    const current = ok[0];
    runner/* setOutput */.uH('credentials-file', ctx.storePath);
    runner/* exportVariable */.dN('DEPLOY_LOGIN_CONFIG', ctx.storePath);
    if (!current)
        return;
    runner/* setOutput */.uH('target', current.target);
    runner/* setOutput */.uH('expires-at', current.expiresAt ?? '');
    runner/* setOutput */.uH('token', current.login.token);
    for (const r of ok) {
        for (const [k, v] of Object.entries(r.login.variables)) {
            // DEPLOY_LOGIN_TOKEN & co. from every target would overwrite each other: keep the current's.
            if (UNSUFFIXED.has(k) && r !== current)
                continue;
            runner/* exportVariable */.dN(k, v);
        }
    }
}


/***/ }),

/***/ 8638:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runDeploy: () => (/* binding */ runDeploy)
/* harmony export */ });
/* unused harmony exports NEEDS_LOGIN_PATTERNS, INTERACTIVE_LOGIN_PATTERNS, endsWithPrompt, TOOL_NEEDS_LOGIN_EXIT_CODES, NON_INTERACTIVE_ENV, NON_INTERACTIVE_DEFAULTS, childEnvironment, compilePatterns */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4296);



/**
 * Output that means "the deploy tool was not authenticated", per tool, as the real tools print it
 * (see docs/cli.md#run and __tests__/peers/toolMessages.ts, proven against real peers).
 * Everything else that fails is a deploy failure.
 */
const NEEDS_LOGIN_PATTERNS = [
    // npm
    /npm (?:ERR!|error) code (?:E401|ENEEDAUTH)\b/,
    /Unable to authenticate, your authentication token seems to be invalid/,
    /This command requires you to be logged in/,
    // docker, skopeo, registries (docker login/push/pull, skopeo copy, helm push to OCI)
    /unauthorized: authentication required/i,
    /invalid username\/password/i,
    /no basic auth credentials/i,
    /failed with status: 401 Unauthorized/i,
    /denied: requested access to the resource is denied/i,
    /unable to retrieve auth token/i,
    // kubectl, helm
    /You must be logged in to the server/,
    /Error from server \(Unauthorized\)/,
    /the server has asked for the client to provide credentials/,
    /Please enter Username:/,
    /Kubernetes cluster unreachable: .*Unauthorized/i,
    // git over http
    /could not read (?:Username|Password) for .*terminal prompts disabled/,
    /Authentication failed for '/,
    /HTTP Basic: Access denied/,
    /Invalid username or (?:password|token)/i,
    // curl -f, wget
    /The requested URL returned error: 401\b/,
    /Username\/Password Authentication Failed/i,
    // spin / Fermyon
    /Run `spin (?:cloud )?login`/,
    /You have no instance saved as/,
    /Your login to this environment has expired/,
    // a login the tool would have asked for on a terminal
    /Cannot perform an interactive login from a non TTY device/,
    /npm (?:ERR!|error) code EOTP\b/,
    /Please run 'az login'/,
    /Please run:\s+\$ gcloud auth login/,
    /please run:\s+gh auth login/i,
    // generic HTTP APIs
    /\bHTTP\/\d(?:\.\d)? 401\b/,
    /\b401 Unauthorized\b/,
];
/**
 * Output that shows the tool has started an interactive login (a device code to type in a
 * browser, a username prompt): nobody will answer in CI, so the command is stopped at once and
 * the run ends "needs login" instead of waiting out the timeout.
 */
const INTERACTIVE_LOGIN_PATTERNS = [
    // spin deploy without a login runs the Fermyon device flow and would poll for 15 minutes.
    /Copy your one-time code/i,
    // az login --use-device-code, gh auth login, and other RFC 8628 clients.
    /enter the code [A-Z0-9-]{4,} to authenticate/i,
    /First copy your one-time code/i,
];
/** A failed command whose very last output is a prompt like these was waiting for someone to log in. */
const PROMPT_AT_END = /(?:user ?name|login|password|passphrase|token|otp|one-time (?:password|code)|verification code)[^\n]{0,40}[:?>]$/i;
/** The last line, if short and unfinished-looking (a prompt rarely ends in a newline, but may). */
function endsWithPrompt(output) {
    const last = output.replace(/\s+$/, '').split('\n').pop() ?? '';
    return last.length <= 120 && PROMPT_AT_END.test(last);
}
/** Exit codes that, for a given tool (argv[0]'s base name), always mean an authentication failure. */
const TOOL_NEEDS_LOGIN_EXIT_CODES = {
    // GNU wget: 6 = "Username/password authentication failure".
    wget: [6],
    // GitHub CLI: 4 = "authentication required".
    gh: [4],
};
/**
 * Variables that switch common tools' prompts off. Forced: a prompt nobody answers only hangs a
 * job. Besides these, the child runs in its own session (no controlling terminal, so nothing can
 * open /dev/tty) with stdin closed.
 */
const NON_INTERACTIVE_ENV = {
    GIT_TERMINAL_PROMPT: '0',
    GCM_INTERACTIVE: 'never',
    SSH_ASKPASS_REQUIRE: 'never',
    DEBIAN_FRONTEND: 'noninteractive',
    NPM_CONFIG_YES: 'false',
    NPM_CONFIG_BROWSER: 'false',
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    TF_INPUT: '0',
    TWINE_NON_INTERACTIVE: '1',
    GH_PROMPT_DISABLED: '1',
};
/**
 * Set only when the user has not: an empty GIT_ASKPASS stops git falling back to a desktop
 * SSH_ASKPASS dialog, while a GIT_ASKPASS the user set (a script that supplies a token) still works.
 */
const NON_INTERACTIVE_DEFAULTS = {
    GIT_ASKPASS: '',
};
/** After the command exits, how long to keep reading output that its background children still write. */
const DRAIN_MS = 1000;
/** After SIGTERM on timeout, how long before SIGKILL. */
const KILL_GRACE_MS = 3000;
const TAIL_BYTES = 64 * 1024;
/** The child's environment: the user's, the prompt switches, then our variables. */
function childEnvironment(env, extra = {}) {
    const out = { ...NON_INTERACTIVE_DEFAULTS };
    for (const [k, v] of Object.entries(env))
        if (v !== undefined)
            out[k] = v;
    return { ...out, ...NON_INTERACTIVE_ENV, ...extra };
}
/**
 * Run the deploy without a shell, stdin closed, in its own session and process group (so it
 * cannot open a terminal to prompt on, and a timeout or Ctrl-C stops all of it), output streamed
 * live, and classify the result.
 */
async function runDeploy(opts) {
    const [cmd, ...args] = opts.command;
    if (!cmd)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)('run needs a command after "--", e.g. deploy-login run -- spin deploy.');
    const patterns = [...(opts.needsLoginPatterns ?? []), ...NEEDS_LOGIN_PATTERNS];
    const redact = opts.redact ?? ((t) => t);
    const started = Date.now();
    const ownGroup = process.platform !== 'win32';
    let tail = '';
    let matched;
    let interactive;
    const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(cmd, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: childEnvironment(opts.env, opts.childEnv),
        cwd: opts.cwd,
        shell: false,
        detached: ownGroup,
    });
    /** Signal the whole group (the command and whatever it started), falling back to the child. */
    const signalAll = (sig) => {
        try {
            if (ownGroup && child.pid)
                process.kill(-child.pid, sig);
            else
                child.kill(sig);
        }
        catch {
            child.kill(sig);
        }
    };
    let stopReason;
    let killTimer;
    const stop = (why) => {
        if (stopReason)
            return;
        stopReason = why;
        signalAll('SIGTERM');
        killTimer = setTimeout(() => signalAll('SIGKILL'), KILL_GRACE_MS);
    };
    const scan = (text) => {
        tail = (tail + text).slice(-TAIL_BYTES);
        if (!matched)
            matched = patterns.find((p) => p.test(tail))?.source;
        if (!interactive) {
            interactive = INTERACTIVE_LOGIN_PATTERNS.find((p) => p.test(tail))?.source;
            if (interactive)
                stop('interactive');
        }
    };
    const forward = (stream, sink) => {
        let partial = '';
        let idle;
        const flush = () => {
            if (partial)
                sink(redact(partial));
            partial = '';
        };
        stream.setEncoding?.('utf8');
        stream.on('data', (chunk) => {
            scan(chunk);
            const text = partial + chunk;
            const cut = text.lastIndexOf('\n');
            if (cut >= 0) {
                sink(redact(text.slice(0, cut + 1)));
                partial = text.slice(cut + 1);
            }
            else
                partial = text;
            // A prompt has no newline: show it soon anyway, so the log reads in order.
            if (idle)
                clearTimeout(idle);
            if (partial)
                idle = setTimeout(flush, 50);
        });
        return new Promise((resolve) => {
            const done = () => {
                if (idle)
                    clearTimeout(idle);
                flush();
                resolve();
            };
            stream.on('end', done);
            stream.on('close', done);
            stream.on('error', done);
        });
    };
    const timer = opts.timeoutMs && opts.timeoutMs > 0 ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;
    // Ctrl-C or a cancelled CI job reaches us, not the command's own session: pass it on.
    const relay = (sig) => () => signalAll(sig);
    const relays = ownGroup
        ? ['SIGINT', 'SIGTERM', 'SIGHUP'].map((sig) => [sig, relay(sig)])
        : [];
    for (const [sig, fn] of relays)
        process.on(sig, fn);
    const streamed = Promise.all([forward(child.stdout, opts.stdout), forward(child.stderr, opts.stderr)]);
    const spawnError = new Promise((resolve) => child.once('error', resolve));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const first = await Promise.race([
        spawnError.then((e) => ({ error: e })),
        exited.then((x) => ({ exit: x })),
    ]);
    const cleanup = () => {
        if (timer)
            clearTimeout(timer);
        if (killTimer)
            clearTimeout(killTimer);
        for (const [sig, fn] of relays)
            process.off(sig, fn);
    };
    if ('error' in first) {
        cleanup();
        if (first.error.code === 'ENOENT') {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(`run: the command "${cmd}" was not found on PATH.`);
        }
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(`run: the command "${cmd}" could not be started (${first.error.code ?? 'error'}).`);
    }
    // Background processes the command left behind may hold its output open: read what they
    // write for a moment, then stop waiting (and stop them, when we were stopping anyway).
    let drainTimer;
    const drained = await Promise.race([
        streamed.then(() => true),
        new Promise((resolve) => (drainTimer = setTimeout(() => resolve(false), DRAIN_MS))),
    ]);
    if (drainTimer)
        clearTimeout(drainTimer);
    if (!drained) {
        if (stopReason)
            signalAll('SIGKILL');
        child.stdout?.destroy();
        child.stderr?.destroy();
    }
    cleanup();
    const { code, signal } = first.exit;
    const timedOut = stopReason === 'timeout';
    const durationMs = Date.now() - started;
    const base = { commandExitCode: code, signal, timedOut, durationMs };
    if (code === 0 && !stopReason)
        return { outcome: 'success', exitCode: 0, ...base };
    if (interactive) {
        return {
            outcome: 'needs-login',
            exitCode: 3,
            reason: `it started an interactive login (/${interactive}/)`,
            ...base,
        };
    }
    if (code !== null && opts.needsLoginExitCodes?.includes(code)) {
        return { outcome: 'needs-login', exitCode: 3, reason: `exit code ${code}`, ...base };
    }
    const tool = node_path__WEBPACK_IMPORTED_MODULE_1___default().basename(cmd);
    if (code !== null && TOOL_NEEDS_LOGIN_EXIT_CODES[tool]?.includes(code)) {
        return { outcome: 'needs-login', exitCode: 3, reason: `${tool} exit code ${code}`, ...base };
    }
    if (matched)
        return { outcome: 'needs-login', exitCode: 3, reason: `output matched /${matched}/`, ...base };
    // Its last words were a login prompt: it waited for an answer (timed out) or read EOF from the
    // closed stdin and gave up. Either way it wanted someone to log in.
    if (endsWithPrompt(tail)) {
        const how = timedOut ? 'was waiting at' : 'stopped at';
        return { outcome: 'needs-login', exitCode: 3, reason: `it ${how} a login prompt`, ...base };
    }
    return { outcome: 'deploy-failed', exitCode: 4, ...base };
}
/** --needs-login-pattern values are regular expressions; a bad one is a user mistake. */
function compilePatterns(sources, label = '--needs-login-pattern') {
    return sources.map((s) => {
        try {
            return new RegExp(s);
        }
        catch {
            throw invalidInput(`${label} "${s.slice(0, 80)}" is not a valid regular expression.`);
        }
    });
}


/***/ })

};
;