/**
 * One error taxonomy for every path. Each outcome maps to the contract's exit code, so the
 * Action and the CLI report the same number for the same failure.
 */
export declare const OUTCOMES: readonly ["success", "error", "invalid-input", "needs-login", "deploy-failed", "unavailable"];
export type Outcome = (typeof OUTCOMES)[number];
export declare const EXIT_CODES: Record<Outcome, number>;
export declare function outcomeOfExitCode(code: number): Outcome;
export declare class DeployLoginError extends Error {
    readonly outcome: Exclude<Outcome, 'success'>;
    constructor(outcome: Exclude<Outcome, 'success'>, message: string, options?: {
        cause?: unknown;
    });
    get exitCode(): number;
}
export declare const invalidInput: (message: string) => DeployLoginError;
export declare const needsLogin: (message: string) => DeployLoginError;
export declare const unavailable: (message: string, cause?: unknown) => DeployLoginError;
export declare const deployFailed: (message: string) => DeployLoginError;
export interface Failure {
    outcome: Exclude<Outcome, 'success'>;
    exitCode: number;
    message: string;
    /** Only for bugs: the stack, to print when the user asks for debug output. */
    stack?: string;
}
/** Anything we did not classify is a bug: say so, and keep the stack for debug output only. */
export declare function toFailure(err: unknown): Failure;
export declare function mostSevere(outcomes: Outcome[]): Outcome;
