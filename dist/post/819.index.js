"use strict";
exports.id = 819;
exports.ids = [819];
exports.modules = {

/***/ 4819:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   bypassed: () => (/* binding */ bypassed),
/* harmony export */   proxyFor: () => (/* binding */ proxyFor)
/* harmony export */ });
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1692);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_tls__WEBPACK_IMPORTED_MODULE_1__);


function proxyFor(target, env) {
    const raw = target.protocol === 'https:'
        ? env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy
        : env.HTTP_PROXY || env.http_proxy;
    if (!raw || bypassed(target, env.NO_PROXY ?? env.no_proxy ?? ''))
        return undefined;
    const proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
    const auth = proxy.username
        ? 'Basic ' +
            Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')
        : undefined;
    return {
        async connect(url, opts) {
            if (url.protocol === 'http:') {
                // Plain HTTP goes to the proxy with the absolute URL as the path.
                return {
                    requestUrl: new URL(proxy.origin),
                    options: { path: url.href },
                    extraHeaders: { host: url.host, ...(auth ? { 'proxy-authorization': auth } : {}) },
                };
            }
            const socket = await tunnel(proxy, url, auth, opts.timeoutMs);
            const secured = node_tls__WEBPACK_IMPORTED_MODULE_1___default().connect({
                socket,
                servername: url.hostname.replace(/^\[|\]$/g, ''),
                rejectUnauthorized: !opts.insecure,
            });
            return { options: { createConnection: () => secured, agent: false } };
        },
    };
}
function tunnel(proxy, target, auth, timeoutMs) {
    const port = target.port || '443';
    return new Promise((resolve, reject) => {
        const req = node_http__WEBPACK_IMPORTED_MODULE_0___default().request({
            host: proxy.hostname,
            port: proxy.port || 80,
            method: 'CONNECT',
            path: `${target.hostname}:${port}`,
            headers: { host: `${target.hostname}:${port}`, ...(auth ? { 'proxy-authorization': auth } : {}) },
            timeout: timeoutMs,
        });
        req.on('connect', (res, socket) => {
            if (res.statusCode === 200)
                resolve(socket);
            else {
                socket.destroy();
                reject(Object.assign(new Error(`proxy refused CONNECT (${res.statusCode})`), { code: 'ECONNREFUSED' }));
            }
        });
        req.on('timeout', () => req.destroy(Object.assign(new Error('proxy timed out'), { code: 'ETIMEDOUT' })));
        req.on('error', reject);
        req.end();
    });
}
/** NO_PROXY: comma-separated hosts, domain suffixes (".example.com" or "example.com"), host:port, or "*". */
function bypassed(target, noProxy) {
    const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = target.port || (target.protocol === 'https:' ? '443' : '80');
    for (const raw of noProxy.split(',').map((s) => s.trim().toLowerCase())) {
        if (!raw)
            continue;
        if (raw === '*')
            return true;
        const [h, p] = raw.startsWith('[')
            ? [raw.slice(1, raw.indexOf(']')), raw.split(']:')[1]]
            : raw.split(':');
        if (p && p !== port)
            continue;
        const domain = (h ?? '').replace(/^\*?\./, '');
        if (host === domain || host.endsWith('.' + domain))
            return true;
    }
    return false;
}


/***/ })

};
;