"use strict";
exports.id = 510;
exports.ids = [510];
exports.modules = {

/***/ 5510:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   recordDeployments: () => (/* binding */ recordDeployments)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6421);

/** What the deployment's status says, per outcome (GitHub shows the description next to the environment). */
const STATUS = {
    success: { state: 'success', description: 'deployed (deploy-login)' },
    'needs-login': { state: 'failure', description: 'needs login: the target refused the credentials' },
    'deploy-failed': { state: 'failure', description: 'deploy failed' },
    unavailable: { state: 'error', description: 'target unavailable: try again later' },
    'invalid-input': { state: 'error', description: 'invalid input: nothing was deployed' },
    error: { state: 'error', description: 'internal error in deploy-login' },
};
/**
 * GitHub Deployments, loaded only when `github-deployment: true`: one deployment per target
 * (environment = the target's name, ref = the job's commit) and its final status, with the
 * target's URL as the environment URL. Needs `permissions: deployments: write` for the token
 * (`github-token`, default the job's GITHUB_TOKEN). Recording is a side note to the deploy: a
 * failure to record is a warning and never changes the step's exit code.
 */
async function recordDeployments(records, secrets, token = process.env.GITHUB_TOKEN ?? '') {
    const env = process.env;
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    const ref = env.GITHUB_SHA || env.GITHUB_REF;
    if (!token || !owner || !repo || !ref) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e('github-deployment: no deployment recorded: it needs a token (`github-token`, default the job token, with `permissions: deployments: write`) and GITHUB_REPOSITORY and GITHUB_SHA, which every Actions job has.');
        return;
    }
    secrets.add(token);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(token);
    const { getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
    const octokit = getOctokit(token, { baseUrl: env.GITHUB_API_URL || 'https://api.github.com' });
    const logUrl = env.GITHUB_SERVER_URL && env.GITHUB_RUN_ID
        ? `${env.GITHUB_SERVER_URL}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined;
    for (const r of records) {
        const status = STATUS[r.outcome];
        try {
            const created = await octokit.rest.repos.createDeployment({
                owner,
                repo,
                ref,
                environment: r.target,
                description: `deploy-login: ${r.target}`,
                auto_merge: false,
                // The deploy already ran: do not wait for commit statuses to pass first.
                required_contexts: [],
            });
            const id = created.data.id;
            if (typeof id !== 'number')
                throw new Error(`GitHub did not create the deployment (HTTP ${created.status})`);
            await octokit.rest.repos.createDeploymentStatus({
                owner,
                repo,
                deployment_id: id,
                state: status.state,
                description: status.description,
                environment_url: r.url,
                ...(logUrl ? { log_url: logUrl } : {}),
            });
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`github-deployment: recorded ${r.target}: ${status.state} (${status.description}).`);
        }
        catch (err) {
            const code = err.status;
            const hint = code === 403 || code === 404 ? ' (does the job have `permissions: deployments: write`?)' : '';
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(secrets.redact(`github-deployment: could not record the deployment of ${r.target}: ${code ? `HTTP ${code}` : err.message}${hint}.`));
        }
    }
}


/***/ })

};
;