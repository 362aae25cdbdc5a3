import { type Sinks, writer } from './io.js';
import { toFailure } from '../core/errors.js';
import { replaceControlChars } from '../core/text.js';
import {
  createCli,
  envCommand,
  loginCommand,
  logoutCommand,
  runCommand,
  statusCommand,
  targetsCommand,
  tokenCommand,
  useCommand,
  type Cli,
} from './commands.js';

const COMMANDS: Record<string, (cli: Cli, argv: string[]) => Promise<number>> = {
  login: loginCommand,
  logout: logoutCommand,
  status: statusCommand,
  token: tokenCommand,
  env: envCommand,
  targets: targetsCommand,
  use: useCommand,
  run: runCommand,
  // Loaded only when used: most runs never need them.
  refresh: async (cli, argv) => (await import('./refresh.js')).refreshCommand(cli, argv),
  completion: async (cli, argv) => (await import('./completion.js')).completionCommand(cli, argv),
};

export const VERSION = '0.1.0';

/** The help texts load only when asked for: every other run skips parsing them. */
const help = async () => (await import('./help.js')).HELP;

/** An error is one line whatever user text it quotes. */
const oneLine = replaceControlChars;

/** The whole CLI: parse, dispatch, and turn every error into one line and the contract's exit code. */
export async function main(argv: string[], env = process.env, sinks?: Sinks): Promise<number> {
  let cli: Cli;
  try {
    cli = createCli(env, sinks);
  } catch (err) {
    // The environment itself is wrong (e.g. DEPLOY_LOGIN_TIMEOUT_SECONDS=abc): say so, exit 2, not "a bug".
    const f = toFailure(err);
    (sinks?.err ?? writer(2))(`deploy-login: ${oneLine(f.message)}\n`);
    return f.exitCode;
  }
  const [name, ...rest] = argv;
  const wantsHelp = (a: string[]) => {
    const dash = a.indexOf('--');
    return (dash >= 0 ? a.slice(0, dash) : a).some((x) => x === '--help' || x === '-h');
  };
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    cli.io.out((await help()).main + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    cli.io.out(VERSION + '\n');
    return 0;
  }
  // Own keys only: "toString" or "__proto__" are not commands.
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    cli.io.err(
      `deploy-login: unknown command "${oneLine(name.slice(0, 40))}"; run "deploy-login --help" for the list.\n`,
    );
    return 2;
  }
  if (wantsHelp(rest)) {
    cli.io.out((await help())[name] + '\n');
    return 0;
  }
  try {
    return await command(cli, rest);
  } catch (err) {
    const f = toFailure(err);
    cli.io.err(`deploy-login ${name}: ${oneLine(f.message)}\n`);
    if (f.stack && env.DEPLOY_LOGIN_DEBUG === 'true') cli.io.err(f.stack + '\n');
    const own = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
    // The device-code steps are for programs: they always answer in JSON, failures too.
    if (own.some((a) => a === '--json' || a === '--get-device-code' || a.startsWith('--check-device-code')))
      cli.io.out(JSON.stringify({ outcome: f.outcome, exitCode: f.exitCode, error: f.message }) + '\n');
    return f.exitCode;
  }
}
