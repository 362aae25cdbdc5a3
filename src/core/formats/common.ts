import { invalidInput } from '../errors.js';
import type { FormatContext } from '../toolfiles.js';

export function optionString(options: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = options?.[key];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/**
 * The user name that goes with a token in formats that need one (docker `auth`, netrc `login`):
 * the username we know (`--username`, or the one the login returned), else the convention most
 * token-accepting servers of that kind document: `oauth2accesstoken` for registries (Google
 * Artifact Registry, GCR), `oauth2` for git/HTTP hosts (GitLab). GitHub accepts any name.
 */
export function loginUser(ctx: Pick<FormatContext, 'username'>, format: 'docker' | 'netrc'): string {
  if (ctx.username) return ctx.username;
  return format === 'docker' ? 'oauth2accesstoken' : 'oauth2';
}

/** Line-based files (netrc, npmrc) cannot hold whitespace or control characters inside a value. */
export function requireBareWord(value: string, what: string, file: string): string {
  const control = [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (!value || control || /\s/.test(value)) {
    throw invalidInput(
      `The ${what} contains whitespace or control characters, which ${file} cannot hold: use another format (e.g. env).`,
    );
  }
  return value;
}

/** Append a line to a text file's content, keeping its line-ending style. */
export function appendLine(text: string | undefined, line: string): string {
  if (!text) return line + '\n';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return (text.endsWith('\n') ? text : text + eol) + line + eol;
}
