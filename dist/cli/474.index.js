"use strict";
exports.id = 474;
exports.ids = [474];
exports.modules = {

/***/ 474:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FLAG_VALUES: () => (/* binding */ FLAG_VALUES),
/* harmony export */   SHELLS: () => (/* binding */ SHELLS),
/* harmony export */   bashScript: () => (/* binding */ bashScript),
/* harmony export */   commandFlags: () => (/* binding */ commandFlags),
/* harmony export */   completionCommand: () => (/* binding */ completionCommand),
/* harmony export */   fishScript: () => (/* binding */ fishScript),
/* harmony export */   valueFlags: () => (/* binding */ valueFlags),
/* harmony export */   zshScript: () => (/* binding */ zshScript)
/* harmony export */ });
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _core_oidc_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9070);
/* harmony import */ var _core_store_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5511);
/* harmony import */ var _core_target_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4294);
/* harmony import */ var _args_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7593);





/**
 * `deploy-login completion bash|zsh|fish`: a completion script built from the same option tables
 * the parser uses, so it never drifts from the real flags.
 *   bash: eval "$(deploy-login completion bash)"      (or save it in ~/.local/share/bash-completion/completions/deploy-login)
 *   zsh:  source <(deploy-login completion zsh)         (or save it as _deploy-login in a directory on $fpath)
 *   fish: deploy-login completion fish | source         (or save it in ~/.config/fish/completions/deploy-login.fish)
 */
const SHELLS = ['bash', 'zsh', 'fish'];
const COMMAND_HELP = {
    login: 'log in to a target and store the token',
    logout: "remove a target's credential and undo its files",
    status: 'say whether a target has a usable credential',
    token: "print the target's token",
    env: 'print shell export lines for the target',
    targets: 'list stored targets',
    use: 'make a stored target the current one',
    refresh: "refresh the target's token with its refresh token",
    run: 'run a deploy command with the credential',
    completion: 'print a shell completion script',
};
/** Flags that exist only to refuse secrets on argv: never offered. */
const HIDDEN = new Set(['password', 'token']);
function flagsOf(options) {
    return Object.keys(options)
        .filter((k) => !HIDDEN.has(k))
        .map((k) => `--${k}`);
}
function commandFlags() {
    return {
        login: flagsOf(_args_js__WEBPACK_IMPORTED_MODULE_4__/* .LOGIN_OPTIONS */ .RT),
        logout: flagsOf({ ..._args_js__WEBPACK_IMPORTED_MODULE_4__/* .COMMON */ .Sq, all: { type: 'boolean' } }),
        status: flagsOf(_args_js__WEBPACK_IMPORTED_MODULE_4__/* .STATUS_OPTIONS */ .yZ),
        token: flagsOf(_args_js__WEBPACK_IMPORTED_MODULE_4__/* .COMMON */ .Sq),
        env: flagsOf(_args_js__WEBPACK_IMPORTED_MODULE_4__/* .COMMON */ .Sq),
        targets: ['--help', '--json'],
        use: ['--help'],
        refresh: flagsOf(_args_js__WEBPACK_IMPORTED_MODULE_4__/* .COMMON */ .Sq),
        run: flagsOf(_args_js__WEBPACK_IMPORTED_MODULE_4__/* .RUN_OPTIONS */ .p7),
        completion: ['--help'],
    };
}
/** Flags whose value is one of a fixed list. */
const FLAG_VALUES = {
    '--method': _core_target_js__WEBPACK_IMPORTED_MODULE_3__/* .METHODS */ .J8,
    '--protocol': _core_target_js__WEBPACK_IMPORTED_MODULE_3__/* .PROTOCOLS */ .yv,
    '--format': _core_target_js__WEBPACK_IMPORTED_MODULE_3__/* .FORMATS */ .hR,
    '--oidc-source': _core_oidc_js__WEBPACK_IMPORTED_MODULE_1__/* .OIDC_SOURCES */ .$b,
    '--json-recipe': ['vault', 'pypi', 'jwt-service'],
    '--expiry-kind': ['seconds', 'unix', 'date'],
};
/** Flags whose value is a file name. */
const FILE_FLAGS = ['--id-token-file'];
/** Every flag that takes a value (so the word after it is not completed as a flag). */
function valueFlags() {
    const all = { ..._args_js__WEBPACK_IMPORTED_MODULE_4__/* .LOGIN_OPTIONS */ .RT, ..._args_js__WEBPACK_IMPORTED_MODULE_4__/* .RUN_OPTIONS */ .p7, ..._args_js__WEBPACK_IMPORTED_MODULE_4__/* .STATUS_OPTIONS */ .yZ };
    return Object.entries(all)
        .filter(([k, o]) => o.type === 'string' && !HIDDEN.has(k))
        .map(([k]) => `--${k}`);
}
async function completionCommand(cli, argv) {
    // Hidden helper for the scripts: the stored target names, one per line.
    if (argv[0] === '--list-targets') {
        const data = await (0,_core_store_js__WEBPACK_IMPORTED_MODULE_2__/* .readStore */ .uz)(cli.ctx.storePath).catch(() => undefined);
        process.stdout.write(Object.keys(data?.targets ?? {})
            .map((n) => n + '\n')
            .join(''));
        return 0;
    }
    const shell = argv[0];
    if (argv.length !== 1 || !SHELLS.includes(shell)) {
        throw (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(`completion: give one shell, one of: ${SHELLS.join(', ')} (e.g. deploy-login completion bash).`);
    }
    const script = shell === 'bash' ? bashScript() : shell === 'zsh' ? zshScript() : fishScript();
    process.stdout.write(script);
    return 0;
}
const words = (list) => list.join(' ');
function bashScript() {
    const flags = commandFlags();
    const valueCases = Object.entries(FLAG_VALUES)
        .map(([f, vals]) => `    ${f}) COMPREPLY=($(compgen -W "${words(vals)}" -- "$cur")); return ;;`)
        .join('\n');
    const commandCases = Object.entries(flags)
        .map(([c, fl]) => `    ${c}) COMPREPLY=($(compgen -W "${words(fl)}" -- "$cur")) ;;`)
        .join('\n');
    return `# bash completion for deploy-login: eval "$(deploy-login completion bash)"
_deploy_login() {
  local cur prev cmd i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${words(Object.keys(flags))}" -- "$cur"))
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  for ((i = 2; i < COMP_CWORD; i++)); do
    if [ "\${COMP_WORDS[i]}" = "--" ]; then
      if [ $((i + 1)) -eq "$COMP_CWORD" ]; then COMPREPLY=($(compgen -c -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
      return
    fi
  done
  case "$prev" in
${valueCases}
    --target) COMPREPLY=($(compgen -W "$(deploy-login completion --list-targets 2>/dev/null)" -- "$cur")); return ;;
    ${FILE_FLAGS.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${valueFlags()
        .filter((f) => !FLAG_VALUES[f] && f !== '--target' && !FILE_FLAGS.includes(f))
        .join('|')}) COMPREPLY=(); return ;;
  esac
  if [ "$cmd" = use ]; then
    COMPREPLY=($(compgen -W "$(deploy-login completion --list-targets 2>/dev/null)" -- "$cur"))
    return
  fi
  if [ "$cmd" = completion ]; then
    COMPREPLY=($(compgen -W "${words(SHELLS)}" -- "$cur"))
    return
  fi
  case "$cmd" in
${commandCases}
  esac
}
complete -F _deploy_login deploy-login
`;
}
function zshScript() {
    const flags = commandFlags();
    const commands = Object.entries(COMMAND_HELP)
        .map(([c, d]) => `    '${c}:${d.replace(/'/g, '')}'`)
        .join('\n');
    const valueCases = Object.entries(FLAG_VALUES)
        .map(([f, vals]) => `    ${f}) compadd -- ${words(vals)}; return ;;`)
        .join('\n');
    const commandCases = Object.entries(flags)
        .map(([c, fl]) => `    ${c}) compadd -- ${words(fl)} ;;`)
        .join('\n');
    return `#compdef deploy-login
# zsh completion for deploy-login: source <(deploy-login completion zsh), or save as _deploy-login on $fpath
_deploy_login() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local cmd=\${words[2]}
  if (( \${words[(I)--]} > 2 && \${words[(I)--]} < CURRENT )); then
    _normal
    return
  fi
  case \${words[CURRENT-1]} in
${valueCases}
    --target) compadd -- \${(f)"$(deploy-login completion --list-targets 2>/dev/null)"}; return ;;
    ${FILE_FLAGS.join('|')}) _files; return ;;
    ${valueFlags()
        .filter((f) => !FLAG_VALUES[f] && f !== '--target' && !FILE_FLAGS.includes(f))
        .join('|')}) _message 'value'; return ;;
  esac
  case $cmd in
    use) compadd -- \${(f)"$(deploy-login completion --list-targets 2>/dev/null)"}; return ;;
    completion) compadd -- ${words(SHELLS)}; return ;;
  esac
  case $cmd in
${commandCases}
  esac
}
if [ "$funcstack[1]" = "_deploy_login" ]; then
  _deploy_login "$@"
else
  compdef _deploy_login deploy-login
fi
`;
}
function fishScript() {
    const flags = commandFlags();
    const lines = [
        '# fish completion for deploy-login: deploy-login completion fish | source',
        'complete -c deploy-login -f',
        ...Object.entries(COMMAND_HELP).map(([c, d]) => `complete -c deploy-login -n __fish_use_subcommand -a ${c} -d '${d.replace(/'/g, '')}'`),
        `complete -c deploy-login -n '__fish_seen_subcommand_from completion' -a '${words(SHELLS)}'`,
        `complete -c deploy-login -n '__fish_seen_subcommand_from use' -a '(deploy-login completion --list-targets 2>/dev/null)'`,
    ];
    const takesValue = new Set(valueFlags());
    for (const [cmd, fl] of Object.entries(flags)) {
        for (const flag of fl) {
            const name = flag.slice(2);
            const cond = `-n '__fish_seen_subcommand_from ${cmd}'`;
            const values = FLAG_VALUES[flag];
            if (values)
                lines.push(`complete -c deploy-login ${cond} -l ${name} -x -a '${words(values)}'`);
            else if (flag === '--target')
                lines.push(`complete -c deploy-login ${cond} -l ${name} -x -a '(deploy-login completion --list-targets 2>/dev/null)'`);
            else if (FILE_FLAGS.includes(flag))
                lines.push(`complete -c deploy-login ${cond} -l ${name} -r -F`);
            else
                lines.push(`complete -c deploy-login ${cond} -l ${name}${takesValue.has(flag) ? ' -x' : ''}`);
        }
    }
    return lines.join('\n') + '\n';
}


/***/ })

};
;