export const id = 510;
export const ids = [510];
export const modules = {

/***/ 5510:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   recordDeployments: () => (/* binding */ recordDeployments)
/* harmony export */ });
/** GitHub Deployments, loaded only when `github-deployment: true`. */
async function recordDeployments(_records, _secrets) {
    // Filled in with @actions/github in the multi-target work.
}


/***/ })

};
