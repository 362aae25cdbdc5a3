"use strict";
exports.id = 536;
exports.ids = [536,771];
exports.modules = {

/***/ 7536:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deviceLoginCommand: () => (/* binding */ deviceLoginCommand)
});

// UNUSED EXPORTS: isCi, notInteractiveBecause

// EXTERNAL MODULE: ./src/core/context.ts + 1 modules
var context = __webpack_require__(3183);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/login.ts
var login = __webpack_require__(8786);
// EXTERNAL MODULE: ./src/core/protocols/device.ts
var device = __webpack_require__(6771);
// EXTERNAL MODULE: ./src/core/protocols/index.ts
var protocols = __webpack_require__(8477);
// EXTERNAL MODULE: ./src/cli/args.ts
var args = __webpack_require__(7593);
// EXTERNAL MODULE: ./src/cli/commands.ts + 2 modules
var commands = __webpack_require__(1339);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: ./src/cli/io.ts + 1 modules
var cli_io = __webpack_require__(7330);
;// CONCATENATED MODULE: ./src/cli/device-ui.ts
/**
 * What a person at a terminal sees during a device login: the code, the URL, "press Enter to open
 * the browser", and one status line that is redrawn in place while we poll.
 */


const CLEAR_LINE = '\r\u001b[2K';
const CURSOR_UP = '\u001b[1A';
/** `mm:ss`, or `h:mm:ss` for very long-lived codes. */
function clock(ms) {
    const total = Math.max(0, Math.round(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = String(total % 60).padStart(2, '0');
    return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
/**
 * The program that opens a URL: $BROWSER when set (a command, no arguments), else the platform's
 * opener. Windows' `start` is a cmd.exe built-in that would need a shell, which would read `&` in
 * the URL as a command separator; url.dll's handler opens the default browser without one.
 */
function browserCommand(url, env, platform) {
    const custom = env.BROWSER?.trim();
    if (custom)
        return { command: custom, args: [url] };
    if (platform === 'darwin')
        return { command: 'open', args: [url] };
    if (platform === 'win32')
        return { command: 'rundll32.exe', args: ['url.dll,FileProtocolHandler', url] };
    return { command: 'xdg-open', args: [url] };
}
/**
 * Start the browser without a shell and without waiting for it. Calls `onFailure` with a reason
 * if the opener cannot start or exits non-zero; a browser that stays open is never waited for.
 */
function openBrowser(url, env, onFailure, platform = process.platform) {
    // The URL came from the server: only ever hand an http(s) URL to the opener, never an option.
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        onFailure('the verification URL is not a URL');
        return;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        onFailure(`the verification URL is not http(s)`);
        return;
    }
    const { command, args } = browserCommand(parsed.href, env, platform);
    let reported = false;
    const fail = (reason) => {
        if (reported)
            return;
        reported = true;
        onFailure(reason);
    };
    try {
        const child = (0,external_node_child_process_.spawn)(command, args, {
            stdio: 'ignore',
            shell: false,
            detached: platform !== 'win32',
            windowsHide: true,
        });
        child.once('error', (err) => fail(err.code === 'ENOENT' ? `${command} was not found` : `${command} failed: ${err.message}`));
        child.once('exit', (code, signal) => {
            if (code !== 0)
                fail(`${command} ${signal ? `was killed by ${signal}` : `exited ${code}`}`);
        });
        // Deno's child has no handle to unref when the spawn failed; the 'error' event says why.
        try {
            child.unref();
        }
        catch {
            // nothing to release
        }
    }
    catch (err) {
        fail(`${command} could not be started: ${err.message}`);
    }
}
/** Call `onLine` each time Enter is pressed; returns the function that stops listening. */
function onEnter(onLine) {
    const stdin = process.stdin;
    const handler = (chunk) => {
        if (/[\r\n]/.test(chunk.toString()))
            onLine();
    };
    stdin.on('data', handler);
    stdin.resume();
    return () => {
        stdin.off('data', handler);
        stdin.pause();
        // A paused TTY can still hold the event loop open on some runtimes.
        stdin.unref?.();
    };
}
class DevicePrompt {
    io;
    auth;
    env;
    statusText = '';
    stopListening;
    opened = false;
    tty;
    constructor(io, auth, env, tty = !!process.stderr.isTTY) {
        this.io = io;
        this.auth = auth;
        this.env = env;
        this.tty = tty;
    }
    /** Print the code and the URL, and start listening for Enter. Never blocks. */
    show(targetName) {
        const { io, auth } = this;
        io.err(`\nTo log in to "${targetName}", open ${(0,cli_io/* paint */.nI)(io, 'bold', auth.verificationUri)}\n` +
            `and enter the one-time code: ${(0,cli_io/* paint */.nI)(io, 'bold', auth.userCode)}\n\n` +
            `Press Enter to open the browser (the URL above works too if it does not open).\n`);
        this.stopListening = onEnter(() => this.enter());
        this.status(`Waiting for approval; the code expires in ${clock(auth.expiresIn * 1000)}.`);
    }
    enter() {
        // The terminal echoed the Enter, leaving a stale copy of the status line above the cursor: take it back.
        if (this.tty)
            this.io.err(CURSOR_UP + CLEAR_LINE);
        if (this.opened) {
            if (this.tty)
                this.io.err((0,cli_io/* paint */.nI)(this.io, 'dim', this.statusText));
            return;
        }
        this.opened = true;
        this.line(`Opening ${this.auth.verificationUrl} in the browser...`);
        openBrowser(this.auth.verificationUrl, this.env, (reason) => this.line((0,cli_io/* paint */.nI)(this.io, 'yellow', `Could not open a browser (${reason}): open the URL above yourself.`)));
    }
    waiting(polls, msLeft) {
        this.status(`Waiting for approval (polled ${polls} time${polls === 1 ? '' : 's'}; the code expires in ${clock(msLeft)}).`);
    }
    slowDown(intervalSeconds) {
        this.line(`The server asked us to poll more slowly: every ${intervalSeconds} s from now on.`);
    }
    transient(message, retryInMs) {
        this.line((0,cli_io/* paint */.nI)(this.io, 'yellow', `Polling failed for now (${message.replace(/; try again later\.?$/, '')}); still waiting, next try in ${Math.round(retryInMs / 1000)} s.`));
    }
    /** Take the status line off the screen and stop listening for Enter. */
    close() {
        this.stopListening?.();
        this.stopListening = undefined;
        if (this.tty && this.statusText)
            this.io.err(CLEAR_LINE);
        this.statusText = '';
    }
    /** The status line: redrawn in place on a terminal, printed once per change elsewhere. */
    status(text) {
        if (this.tty)
            this.io.err(CLEAR_LINE + (0,cli_io/* paint */.nI)(this.io, 'dim', text));
        else if (!this.statusText)
            this.io.err(text + '\n');
        this.statusText = text;
    }
    /** A message of its own above the status line, which is then redrawn. */
    line(text) {
        if (this.tty) {
            this.io.err(CLEAR_LINE + text + '\n');
            if (this.statusText)
                this.io.err((0,cli_io/* paint */.nI)(this.io, 'dim', this.statusText));
        }
        else {
            this.io.err(text + '\n');
        }
    }
}

;// CONCATENATED MODULE: ./src/cli/device.ts
/**
 * `deploy-login login --method device`: interactively on a terminal, or in two non-interactive
 * steps for programs (SIP 007): `--get-device-code` prints the code, `--check-device-code CODE`
 * polls once and stores the credential when the code was approved.
 *
 * The two steps keep no state between them: the second call is given the same --url, --protocol,
 * --target, --client-id and --format flags as the first, plus the device code. Nothing half-secret
 * waits in the store for a person who may never approve it.
 */








/** CI=true (or any value but false/0) means nobody is at the keyboard, whatever the terminal says. */
function isCi(env) {
    const v = env.CI?.trim().toLowerCase();
    return !!v && v !== 'false' && v !== '0';
}
/** Why this process cannot ask a person anything, or undefined when it can. */
function notInteractiveBecause(env) {
    if (isCi(env))
        return 'CI is set';
    if (!process.stdin.isTTY)
        return 'stdin is not a terminal';
    if (!process.stdout.isTTY)
        return 'stdout is not a terminal';
    return undefined;
}
const depsOf = context/* protocolDeps */.nq;
async function deviceFlowFor(spec, creds, ctx) {
    const protocol = await (0,protocols/* protocolFor */.i)(spec);
    if (!protocol.device) {
        throw (0,errors/* invalidInput */.aY)(`protocol "${spec.protocol}" has no device login: use another --method.`);
    }
    return protocol.device(spec, creds, depsOf(ctx));
}
async function deviceLoginCommand(cli, spec, creds, v) {
    const get = v['get-device-code'] === true;
    const check = (0,args/* str */.gx)(v['check-device-code']);
    if (get && check !== undefined) {
        throw (0,errors/* invalidInput */.aY)('Use either --get-device-code or --check-device-code, not both.');
    }
    if (spec.method !== 'device') {
        throw (0,errors/* invalidInput */.aY)(`--get-device-code and --check-device-code belong to --method device, not --method ${spec.method}.`);
    }
    // Before anything is sent: a format we cannot write would otherwise fail only after approval.
    (0,login/* checkFormats */.BO)(spec);
    if (get || check !== undefined)
        return codeStep(cli, spec, creds, check);
    const why = notInteractiveBecause(cli.env);
    if (why) {
        throw (0,errors/* invalidInput */.aY)(`--method device needs a person at an interactive terminal, and ${why}: run "deploy-login login --method device --get-device-code" and then "--check-device-code CODE" with the same flags, or use a non-interactive method (--method token, password or oidc).`);
    }
    return interactive(cli, spec, creds, v.json === true);
}
/** The device code as it came back from --get-device-code: printable, of sane length. */
function checkedCode(code) {
    const trimmed = code.trim();
    if (!trimmed || trimmed.length > 4096 || (0,device/* hasControlCharacters */.Kg)(trimmed)) {
        throw (0,errors/* invalidInput */.aY)('--check-device-code needs the "deviceCode" value that --get-device-code printed.');
    }
    return trimmed;
}
/** One JSON line on stdout for every answer, failures included, so a program never parses prose. */
async function codeStep(cli, spec, creds, check) {
    const print = (o) => cli.io.out(JSON.stringify(o) + '\n');
    try {
        if (check === undefined) {
            const flow = await deviceFlowFor(spec, creds, cli.ctx);
            const a = await flow.start();
            // Exactly these keys (SIP 007 / `spin login --get-device-code`); the device code is meant for the caller.
            print({
                verificationUrl: a.verificationUrl,
                deviceCode: a.deviceCode,
                userCode: a.userCode,
                expiresIn: a.expiresIn,
                interval: a.interval,
            });
            return 0;
        }
        const code = checkedCode(check);
        cli.ctx.secrets.add(code);
        const flow = await deviceFlowFor(spec, creds, cli.ctx);
        const answer = await flow.poll(code);
        if (answer.status === 'pending') {
            print({ status: 'waiting' });
            return 0;
        }
        if (answer.status === 'slow_down') {
            // RFC 8628 §3.5: the caller must add 5 s to its polling interval from now on.
            print({ status: 'waiting', slowDown: true });
            return 0;
        }
        const r = await (0,login.saveGrant)(spec, answer.grant, cli.ctx);
        print({ status: 'authorized', ...(0,commands/* loginSummary */.M2)(r) });
        return 0;
    }
    catch (err) {
        const f = (0,errors/* toFailure */.w2)(err);
        cli.io.err(`deploy-login login: ${f.message}\n`);
        print({
            status: err instanceof device/* DeviceLoginError */.oE ? err.reason : 'error',
            outcome: f.outcome,
            exitCode: f.exitCode,
            error: f.message,
        });
        return f.exitCode;
    }
}
async function interactive(cli, spec, creds, json) {
    const flow = await deviceFlowFor(spec, creds, cli.ctx);
    const auth = await flow.start();
    // Whoever holds the device code can collect the token once it is approved: never show it.
    cli.ctx.secrets.add(auth.deviceCode);
    const prompt = new DevicePrompt(cli.io, auth, cli.env);
    prompt.show(spec.name);
    let grant;
    try {
        grant = await (0,device/* pollForGrant */.$0)(spec, flow, auth, {
            now: cli.ctx.now,
            onWaiting: (s) => prompt.waiting(s.polls, s.msLeft),
            onSlowDown: (seconds) => prompt.slowDown(seconds),
            onTransient: (err, retryInMs) => prompt.transient(err.message, retryInMs),
        });
    }
    finally {
        prompt.close();
    }
    const result = await (0,login.saveGrant)(spec, grant, cli.ctx);
    (0,commands/* printLogin */.j5)(cli, result, json);
    return 0;
}


/***/ }),

/***/ 6771:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $0: () => (/* binding */ pollForGrant),
/* harmony export */   Kg: () => (/* binding */ hasControlCharacters),
/* harmony export */   W: () => (/* binding */ deviceDenied),
/* harmony export */   deviceLogin: () => (/* binding */ deviceLogin),
/* harmony export */   gl: () => (/* binding */ deviceExpired),
/* harmony export */   oE: () => (/* binding */ DeviceLoginError),
/* harmony export */   oauth2DeviceFlow: () => (/* binding */ oauth2DeviceFlow),
/* harmony export */   rT: () => (/* binding */ deviceAuthorizationOf)
/* harmony export */ });
/* unused harmony exports DEVICE_GRANT, DEFAULT_INTERVAL_SECONDS, DEFAULT_EXPIRES_IN_SECONDS, SLOW_DOWN_STEP_SECONDS */
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
            if (err instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DeployLoginError */ .Zz && err.outcome === 'unavailable') {
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


/***/ })

};
;