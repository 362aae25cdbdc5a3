/**
 * What real deploy tools print when they fail, as seen against the real peers on this machine
 * (docs: /work/shared/reference/peers.md "Reusable exit-code/message facts"; proven by
 * __tests__/peers.smoke.test.ts). A failed tool run whose stderr matches one of `needsLogin` is an
 * authentication failure ("needs login", exit 3); any other failure is "deploy failed" (exit 4).
 * `deployFailed` lists the non-auth texts that were actually seen, for tests and documentation.
 */

export interface ToolMessages {
  /** the command (argv[0] basename) this entry applies to */
  tool: string;
  /** exit codes the tool uses for these failures */
  exitCodes: { needsLogin: number[]; deployFailed: number[] };
  needsLogin: RegExp[];
  deployFailed: RegExp[];
  notes?: string;
}

export const TOOL_MESSAGES: Record<string, ToolMessages> = {
  npm: {
    tool: 'npm',
    exitCodes: { needsLogin: [1], deployFailed: [1] },
    needsLogin: [
      /npm (?:error|ERR!) code (?:E401|ENEEDAUTH)\b/,
      /\bUnable to authenticate, your authentication token seems to be invalid/,
      /This command requires you to be logged in/,
    ],
    deployFailed: [
      /npm (?:error|ERR!) code E403\b/,
      /You cannot publish over the previously published versions/,
    ],
    notes:
      'npm always exits 1; classify by the `npm error code` line. E403 (not allowed to publish) is a deploy failure.',
  },
  skopeo: {
    tool: 'skopeo',
    exitCodes: { needsLogin: [1], deployFailed: [1] },
    needsLogin: [
      /unauthorized: authentication required/,
      /invalid username\/password/,
      /denied: requested access to the resource is denied/,
      /unable to retrieve auth token/,
    ],
    deployFailed: [/level=fatal/, /StatusCode: 405, Method not allowed/],
    notes: 'Every failure is exit 1 with a `level=fatal` line; only the auth texts above mean "needs login".',
  },
  docker: {
    tool: 'docker',
    exitCodes: { needsLogin: [1], deployFailed: [1] },
    needsLogin: [
      /failed with status: 401 Unauthorized/,
      /no basic auth credentials/,
      /unauthorized: authentication required/,
      /denied: requested access to the resource is denied/,
    ],
    deployFailed: [/no such manifest/],
    notes:
      'With a WRONG password `docker manifest inspect` prints a misleading `no such manifest` (not classifiable).',
  },
  kubectl: {
    tool: 'kubectl',
    exitCodes: { needsLogin: [1], deployFailed: [1] },
    needsLogin: [
      /error: You must be logged in to the server/,
      /Please enter Username:/,
      /^error: EOF$/m,
      /\(Unauthorized\)/,
    ],
    deployFailed: [/Error from server \(NotFound\)/, /Error from server \(Forbidden\)/],
    notes:
      'With no credentials at all kubectl prompts `Please enter Username:` on STDOUT and (stdin closed) ends with `error: EOF` on stderr.',
  },
  git: {
    tool: 'git',
    exitCodes: { needsLogin: [128], deployFailed: [1] },
    needsLogin: [
      /could not read Username for '[^']*': terminal prompts disabled/,
      /could not read Password for '[^']*': terminal prompts disabled/,
      /Authentication failed for/,
      /The requested URL returned error: 401/,
    ],
    deployFailed: [
      /! \[rejected\][^\n]*\(non-fast-forward\)/,
      /! \[rejected\][^\n]*\(fetch first\)/,
      /! \[remote rejected\]/,
    ],
    notes:
      'Set GIT_TERMINAL_PROMPT=0: no netrc and a wrong password both end in exit 128 "could not read Username".',
  },
  curl: {
    tool: 'curl',
    exitCodes: { needsLogin: [22], deployFailed: [22] },
    needsLogin: [/The requested URL returned error: 401\b/],
    deployFailed: [/The requested URL returned error: (?!401\b)\d{3}/],
    notes: 'curl -f exits 22 for every HTTP >= 400; only 401 means "needs login" (403 is a deploy failure).',
  },
  wget: {
    tool: 'wget',
    exitCodes: { needsLogin: [6], deployFailed: [8] },
    needsLogin: [/Username\/Password Authentication Failed/, /Authorization failed/],
    deployFailed: [/ERROR \d{3}/],
    notes: 'wget exit 6 = authentication failure, 8 = other server error response.',
  },
};

/**
 * Classify a failed run of `tool` (argv[0], any path) from its exit code and output
 * (stderr, or stderr + stdout: kubectl's `Please enter Username:` prompt goes to stdout).
 */
export function classifyToolFailure(
  tool: string,
  exitCode: number,
  output: string,
): 'needs-login' | 'deploy-failed' {
  const name = tool.split('/').pop() ?? tool;
  const entry = TOOL_MESSAGES[name];
  if (!entry) return 'deploy-failed';
  if (name === 'wget' && exitCode === 6) return 'needs-login';
  return entry.needsLogin.some((re) => re.test(output)) ? 'needs-login' : 'deploy-failed';
}
