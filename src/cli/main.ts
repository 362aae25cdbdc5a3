import { toFailure } from '../core/errors.js';
import { HELP } from './help.js';
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
};

export const VERSION = '0.1.0';

/** The whole CLI: parse, dispatch, and turn every error into one line and the contract's exit code. */
export async function main(argv: string[], env = process.env): Promise<number> {
  const cli = createCli(env);
  const [name, ...rest] = argv;
  const wantsHelp = (a: string[]) => {
    const dash = a.indexOf('--');
    return (dash >= 0 ? a.slice(0, dash) : a).some((x) => x === '--help' || x === '-h');
  };
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP.main + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    cli.io.err(
      `deploy-login: unknown command "${name.slice(0, 40)}"; run "deploy-login --help" for the list.\n`,
    );
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(HELP[name] + '\n');
    return 0;
  }
  try {
    return await command(cli, rest);
  } catch (err) {
    const f = toFailure(err);
    cli.io.err(`deploy-login ${name}: ${f.message}\n`);
    if (f.stack && env.DEPLOY_LOGIN_DEBUG === 'true') cli.io.err(f.stack + '\n');
    if ((rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest).includes('--json'))
      cli.io.out(JSON.stringify({ outcome: f.outcome, exitCode: f.exitCode, error: f.message }) + '\n');
    return f.exitCode;
  }
}
