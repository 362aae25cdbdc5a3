export const id = 771;
export const ids = [771];
export const modules = {

/***/ 6771:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   deviceLogin: () => (/* binding */ deviceLogin)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);

async function deviceLogin(spec, _creds, _deps) {
    throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`method "device" for target "${spec.name}" needs an interactive terminal.`);
}


/***/ })

};
