import type { Env } from './store.js';
/**
 * Output that means "the deploy tool was not authenticated", per tool, as the real tools print it
 * (see docs/cli.md#run and __tests__/peers/toolMessages.ts, proven against real peers).
 * Everything else that fails is a deploy failure.
 */
export declare const NEEDS_LOGIN_PATTERNS: RegExp[];
/**
 * Output that shows the tool has started an interactive login (a device code to type in a
 * browser, a username prompt): nobody will answer in CI, so the command is stopped at once and
 * the run ends "needs login" instead of waiting out the timeout.
 */
export declare const INTERACTIVE_LOGIN_PATTERNS: RegExp[];
/** The last line, if short and unfinished-looking (a prompt rarely ends in a newline, but may). */
export declare function endsWithPrompt(output: string): boolean;
/** Exit codes that, for a given tool (argv[0]'s base name), always mean an authentication failure. */
export declare const TOOL_NEEDS_LOGIN_EXIT_CODES: Record<string, number[]>;
/**
 * Variables that switch common tools' prompts off. Forced: a prompt nobody answers only hangs a
 * job. Besides these, the child runs in its own session (no controlling terminal, so nothing can
 * open /dev/tty) with stdin closed.
 */
export declare const NON_INTERACTIVE_ENV: Record<string, string>;
/**
 * Set only when the user has not: an empty GIT_ASKPASS stops git falling back to a desktop
 * SSH_ASKPASS dialog, while a GIT_ASKPASS the user set (a script that supplies a token) still works.
 */
export declare const NON_INTERACTIVE_DEFAULTS: Record<string, string>;
export interface RunOptions {
    command: string[];
    env: Env;
    /** Extra variables for the child (the token, file paths). */
    childEnv?: Record<string, string>;
    timeoutMs?: number;
    needsLoginPatterns?: RegExp[];
    needsLoginExitCodes?: number[];
    /** Where the child's output goes, line by line, already redacted by the caller's writer. */
    stdout: (text: string) => void;
    stderr: (text: string) => void;
    redact?: (text: string) => string;
    /** How much of an unfinished line could be a secret's start (SecretRegistry.pendingPrefix). */
    pendingSecret?: (text: string) => number;
    cwd?: string;
}
export interface RunResult {
    outcome: 'success' | 'needs-login' | 'deploy-failed';
    exitCode: 0 | 3 | 4;
    commandExitCode: number | null;
    signal: string | null;
    timedOut: boolean;
    /** Why a failure counted as needs-login (the pattern, exit code or prompt), for messages. */
    reason?: string;
    durationMs: number;
}
/** The child's environment: the user's, the prompt switches, then our variables. */
export declare function childEnvironment(env: Env, extra?: Record<string, string>): NodeJS.ProcessEnv;
/**
 * Check that `cmd` is a command spawn will start, before anything is sent: a login followed by
 * "command not found" would have stored a credential (and sent requests) for nothing. A name is
 * looked up on the PATH the child gets, as spawn does; a path (it has a separator) must be an
 * executable file, relative to `cwd`.
 */
export declare function requireCommand(cmd: string, env: Env, cwd?: string): void;
/**
 * Run the deploy without a shell, stdin closed, in its own session and process group (so it
 * cannot open a terminal to prompt on, and a timeout or Ctrl-C stops all of it), output streamed
 * live, and classify the result.
 */
export declare function runDeploy(opts: RunOptions): Promise<RunResult>;
/** --needs-login-pattern values are regular expressions; a bad one is a user mistake. */
export declare function compilePatterns(sources: string[], label?: string): RegExp[];
