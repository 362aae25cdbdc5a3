import type { CoreContext } from './context.js';
import { invalidInput, needsLogin } from './errors.js';
import { rejection } from './protocols/responses.js';
import type { StoredTarget } from './store.js';
import { hasHttpScheme, trimTrailingSlashes } from './text.js';

/**
 * Where a target answers "is this token still good?": the --check-url stored at login, else the
 * json protocol's check path (joined to the target URL). Undefined when neither is configured.
 */
export function checkUrlOf(entry: StoredTarget): string | undefined {
  const o = entry.options ?? {};
  if (typeof o.checkUrl === 'string' && o.checkUrl) return o.checkUrl;
  const json = o.json as { checkPath?: unknown } | undefined;
  if (json && typeof json.checkPath === 'string' && json.checkPath) {
    return hasHttpScheme(json.checkPath) ? json.checkPath : trimTrailingSlashes(entry.url) + json.checkPath;
  }
  return undefined;
}

/**
 * Ask the target: GET the check endpoint with the token as a bearer. 2xx = valid; 401/403 =
 * needs login (exit 3); 5xx and network trouble = unavailable (after retries); anything else is
 * a configuration problem.
 */
export async function verifyToken(
  ctx: CoreContext,
  name: string,
  entry: StoredTarget,
): Promise<{ checkUrl: string; status: number }> {
  const checkUrl = checkUrlOf(entry);
  if (!checkUrl) {
    throw invalidInput(
      `status --verify needs a check endpoint for target "${name}": log in with --check-url URL (or, with protocol json, --check-path).`,
    );
  }
  ctx.secrets.add(entry.token);
  const what = 'the check endpoint';
  const res = await ctx.http.request({
    method: 'GET',
    url: checkUrl,
    what,
    insecure: entry.insecure,
    headers: { authorization: `Bearer ${entry.token}` },
  });
  if (res.status >= 200 && res.status < 300) return { checkUrl, status: res.status };
  if (res.status === 401 || res.status === 403) {
    throw needsLogin(
      `The target says the token for "${name}" is no longer valid (HTTP ${res.status} from ${checkUrl}): log in again.`,
    );
  }
  throw rejection(res, `${what} ${checkUrl}`);
}
