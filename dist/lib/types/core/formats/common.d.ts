import type { FormatContext } from '../toolfiles.js';
export declare function optionString(options: Record<string, unknown> | undefined, key: string): string | undefined;
/**
 * The user name that goes with a token in formats that need one (docker `auth`, netrc `login`):
 * the username we know (`--username`, or the one the login returned), else the convention most
 * token-accepting servers of that kind document: `oauth2accesstoken` for registries (Google
 * Artifact Registry, GCR), `oauth2` for git/HTTP hosts (GitLab). GitHub accepts any name.
 */
export declare function loginUser(ctx: Pick<FormatContext, 'username'>, format: 'docker' | 'netrc'): string;
/** Line-based files (netrc, npmrc) cannot hold whitespace or control characters inside a value. */
export declare function requireBareWord(value: string, what: string, file: string): string;
/** Append a line to a text file's content, keeping its line-ending style. */
export declare function appendLine(text: string | undefined, line: string): string;
