/**
 * One error taxonomy for every path. Each outcome maps to the contract's exit code, so the
 * Action and the CLI report the same number for the same failure.
 */
export const OUTCOMES = [
  'success',
  'error',
  'invalid-input',
  'needs-login',
  'deploy-failed',
  'unavailable',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const EXIT_CODES: Record<Outcome, number> = {
  success: 0,
  error: 1,
  'invalid-input': 2,
  'needs-login': 3,
  'deploy-failed': 4,
  unavailable: 5,
};

export function outcomeOfExitCode(code: number): Outcome {
  return OUTCOMES.find((o) => EXIT_CODES[o] === code) ?? 'error';
}

export class DeployLoginError extends Error {
  readonly outcome: Exclude<Outcome, 'success'>;
  constructor(outcome: Exclude<Outcome, 'success'>, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeployLoginError';
    this.outcome = outcome;
  }
  get exitCode(): number {
    return EXIT_CODES[this.outcome];
  }
}

export const invalidInput = (message: string): DeployLoginError =>
  new DeployLoginError('invalid-input', message);
export const needsLogin = (message: string): DeployLoginError => new DeployLoginError('needs-login', message);
export const unavailable = (message: string, cause?: unknown): DeployLoginError =>
  new DeployLoginError('unavailable', message, { cause });
export const deployFailed = (message: string): DeployLoginError =>
  new DeployLoginError('deploy-failed', message);

export interface Failure {
  outcome: Exclude<Outcome, 'success'>;
  exitCode: number;
  message: string;
  /** Only for bugs: the stack, to print when the user asks for debug output. */
  stack?: string;
}

const FS_ENVIRONMENT_CODES = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'ENOTDIR',
  'EISDIR',
  'EDQUOT',
  'ELOOP',
  'EEXIST',
]);

/** Anything we did not classify is a bug: say so, and keep the stack for debug output only. */
export function toFailure(err: unknown): Failure {
  if (err instanceof DeployLoginError) {
    return { outcome: err.outcome, exitCode: err.exitCode, message: err.message };
  }
  const fsError = err as NodeJS.ErrnoException;
  if (
    fsError &&
    typeof fsError.code === 'string' &&
    typeof fsError.path === 'string' &&
    FS_ENVIRONMENT_CODES.has(fsError.code)
  ) {
    // The machine's files, not our code: say which path and why, as an environment problem.
    return {
      outcome: 'invalid-input',
      exitCode: 2,
      message: `Cannot ${fsError.syscall ?? 'use'} ${fsError.path} (${fsError.code}): check that the path is writable by this user, or point DEPLOY_LOGIN_CONFIG / HOME elsewhere.`,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    outcome: 'error',
    exitCode: 1,
    message: `internal error (a bug in deploy-login, please report it): ${message}`,
    stack: err instanceof Error ? err.stack : undefined,
  };
}

/** Severity order for combining several targets' results into one exit code (documented). */
const SEVERITY: Outcome[] = [
  'invalid-input',
  'needs-login',
  'unavailable',
  'error',
  'deploy-failed',
  'success',
];
export function mostSevere(outcomes: Outcome[]): Outcome {
  for (const o of SEVERITY) if (outcomes.includes(o)) return o;
  return 'success';
}
