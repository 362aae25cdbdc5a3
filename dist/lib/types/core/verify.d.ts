import type { CoreContext } from './context.js';
import type { StoredTarget } from './store.js';
/**
 * Where a target answers "is this token still good?": the --check-url stored at login, else the
 * json protocol's check path (joined to the target URL). Undefined when neither is configured.
 */
export declare function checkUrlOf(entry: StoredTarget): string | undefined;
/**
 * Ask the target: GET the check endpoint with the token as a bearer. 2xx = valid; 401/403 =
 * needs login (exit 3); 5xx and network trouble = unavailable (after retries); anything else is
 * a configuration problem.
 */
export declare function verifyToken(ctx: CoreContext, name: string, entry: StoredTarget): Promise<{
    checkUrl: string;
    status: number;
}>;
