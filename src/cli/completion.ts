import { invalidInput } from '../core/errors.js';
import { OIDC_SOURCES } from '../core/oidc.js';
import { readStore } from '../core/store.js';
import { FORMATS, METHODS, PROTOCOLS } from '../core/target.js';
import { COMMON, LOGIN_OPTIONS, RUN_OPTIONS, STATUS_OPTIONS, type Options } from './args.js';
import type { Cli } from './commands.js';

/**
 * `deploy-login completion bash|zsh|fish`: a completion script built from the same option tables
 * the parser uses, so it never drifts from the real flags.
 *   bash: eval "$(deploy-login completion bash)"      (or save it in ~/.local/share/bash-completion/completions/deploy-login)
 *   zsh:  source <(deploy-login completion zsh)         (or save it as _deploy-login in a directory on $fpath)
 *   fish: deploy-login completion fish | source         (or save it in ~/.config/fish/completions/deploy-login.fish)
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

const COMMAND_HELP: Record<string, string> = {
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

function flagsOf(options: Options): string[] {
  return Object.keys(options)
    .filter((k) => !HIDDEN.has(k))
    .map((k) => `--${k}`);
}

export function commandFlags(): Record<string, string[]> {
  return {
    login: flagsOf(LOGIN_OPTIONS),
    logout: flagsOf({ ...COMMON, all: { type: 'boolean' } }),
    status: flagsOf(STATUS_OPTIONS),
    token: flagsOf(COMMON),
    env: flagsOf(COMMON),
    targets: ['--help', '--json'],
    use: ['--help'],
    refresh: flagsOf(COMMON),
    run: flagsOf(RUN_OPTIONS),
    completion: ['--help'],
  };
}

/** Flags whose value is one of a fixed list. */
export const FLAG_VALUES: Record<string, readonly string[]> = {
  '--method': METHODS,
  '--protocol': PROTOCOLS,
  '--format': FORMATS,
  '--oidc-source': OIDC_SOURCES,
  '--json-recipe': ['vault', 'pypi', 'jwt-service'],
  '--expiry-kind': ['seconds', 'unix', 'date'],
};
/** Flags whose value is a file name. */
const FILE_FLAGS = ['--id-token-file'];

/** Every flag that takes a value (so the word after it is not completed as a flag). */
export function valueFlags(): string[] {
  const all: Options = { ...LOGIN_OPTIONS, ...RUN_OPTIONS, ...STATUS_OPTIONS };
  return Object.entries(all)
    .filter(([k, o]) => o.type === 'string' && !HIDDEN.has(k))
    .map(([k]) => `--${k}`);
}

export async function completionCommand(cli: Cli, argv: string[]): Promise<number> {
  // Hidden helper for the scripts: the stored target names, one per line.
  if (argv[0] === '--list-targets') {
    const data = await readStore(cli.ctx.storePath).catch(() => undefined);
    cli.io.out(
      Object.keys(data?.targets ?? {})
        .map((n) => n + '\n')
        .join(''),
    );
    return 0;
  }
  const shell = argv[0];
  if (argv.length !== 1 || !(SHELLS as readonly string[]).includes(shell!)) {
    throw invalidInput(`Give one shell, one of: ${SHELLS.join(', ')} (e.g. deploy-login completion bash).`);
  }
  const script = shell === 'bash' ? bashScript() : shell === 'zsh' ? zshScript() : fishScript();
  cli.io.out(script);
  return 0;
}

const words = (list: readonly string[]) => list.join(' ');

export function bashScript(): string {
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

export function zshScript(): string {
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

export function fishScript(): string {
  const flags = commandFlags();
  const lines = [
    '# fish completion for deploy-login: deploy-login completion fish | source',
    'complete -c deploy-login -f',
    ...Object.entries(COMMAND_HELP).map(
      ([c, d]) => `complete -c deploy-login -n __fish_use_subcommand -a ${c} -d '${d.replace(/'/g, '')}'`,
    ),
    `complete -c deploy-login -n '__fish_seen_subcommand_from completion' -a '${words(SHELLS)}'`,
    `complete -c deploy-login -n '__fish_seen_subcommand_from use' -a '(deploy-login completion --list-targets 2>/dev/null)'`,
  ];
  const takesValue = new Set(valueFlags());
  for (const [cmd, fl] of Object.entries(flags)) {
    for (const flag of fl) {
      const name = flag.slice(2);
      const cond = `-n '__fish_seen_subcommand_from ${cmd}'`;
      const values = FLAG_VALUES[flag];
      if (values) lines.push(`complete -c deploy-login ${cond} -l ${name} -x -a '${words(values)}'`);
      else if (flag === '--target')
        lines.push(
          `complete -c deploy-login ${cond} -l ${name} -x -a '(deploy-login completion --list-targets 2>/dev/null)'`,
        );
      else if (FILE_FLAGS.includes(flag)) lines.push(`complete -c deploy-login ${cond} -l ${name} -r -F`);
      else lines.push(`complete -c deploy-login ${cond} -l ${name}${takesValue.has(flag) ? ' -x' : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}
