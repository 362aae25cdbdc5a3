export const id = 635;
export const ids = [635];
export const modules = {

/***/ 1635:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   loginMany: () => (/* binding */ loginMany)
/* harmony export */ });
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);

/** Several targets in one step (the `targets` input). */
async function loginMany(_inputs, _ctx, _state) {
    throw (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)('`targets` is not available in this version yet: use a matrix over `target` and `url`.');
}


/***/ })

};
