/** Help texts: one per command, shown by `deploy-login <command> --help`. */
export const HELP: Record<string, string> = {
  main: `deploy-login: log CI jobs in to deployment targets.

Usage: deploy-login <command> [flags]

Commands:
  login      exchange a CI OIDC token, a password or a token for a deployment token
  logout     remove a target's credential and undo the files written for it
  status     say whether a target has a usable credential (exit 3 if not)
  token      print the target's token (exit 3 if it needs login)
  env        print shell export lines for the target's token and files
  targets    list stored targets
  use        make a stored target the current one
  refresh    get a new token with the stored refresh token
  run        run a deploy command with the credential; exit 3 = needs login, 4 = deploy failed
  completion print a shell completion script: bash, zsh or fish

Every command takes --help. Exit codes: 0 success, 1 internal error, 2 invalid input,
3 needs login, 4 deploy failed, 5 target unavailable.
Store: $DEPLOY_LOGIN_CONFIG, else $RUNNER_TEMP/deploy-login/credentials.json in GitHub Actions,
else $XDG_CONFIG_HOME/deploy-login/credentials.json.`,

  login: `Usage: deploy-login login [flags]

Log in to a target and store the issued token.

  --target NAME            name to store the credential under (default "default"; env DEPLOY_LOGIN_TARGET)
  --url URL                the target's base URL (env DEPLOY_LOGIN_URL)
  --method M               oidc | password | token | device | client-credentials | auto (default auto)
  --protocol P             oauth2 | fermyon | json | npm-registry | docker-registry (default oauth2)
  --username USER          for password logins (env DEPLOY_LOGIN_USERNAME)
  --password-stdin         read the password from stdin (else env DEPLOY_LOGIN_PASSWORD)
  --token-stdin            read a token from stdin (else env DEPLOY_LOGIN_TOKEN)
  --audience AUD           OIDC audience to request (default: the target URL's origin)
  --token-endpoint URL     skip discovery and use this token endpoint
  --client-id ID           OAuth client id (secret from env DEPLOY_LOGIN_CLIENT_SECRET)
  --scope SCOPE            OAuth scope to request
  --format LIST            credential files to write: spin, env, docker, npmrc, netrc, kubeconfig
                           (comma-separated, repeatable; default npmrc for npm-registry, docker for
                           docker-registry)
  --insecure               accept an invalid TLS certificate for this target (stored with it)
  --oidc-source S          github | gitlab | circleci | bitbucket | buildkite | azure | env | file
                           (default: detected, in that order)
  --id-token-env VAR       variable holding a ready CI JWT (GitLab id_tokens; default DEPLOY_LOGIN_ID_TOKEN)
  --id-token-file FILE     file holding a ready CI JWT
  --azure-service-connection ID
                           Azure Pipelines service connection (env DEPLOY_LOGIN_AZURE_SERVICE_CONNECTION_ID
                           or AZURESUBSCRIPTION_SERVICE_CONNECTION_ID)
  --check-url URL          endpoint that answers 200 for a valid token (for status --verify)
  --json                   print the result as JSON

Protocol json (see docs/protocol-json.md); --json-recipe implies --protocol json:
  --json-recipe R          vault | pypi | jwt-service
  --login-path PATH        POST here (joined to --url), e.g. /v1/auth/jwt/login
  --body FIELD=VALUE       a login body field (repeatable; FIELD:=JSON for non-strings, a.b=V nests);
                           placeholders {jwt} {username} {password} {audience}
  --token-field PATH       where the token is in the answer (dotted, default token)
  --expiry-field PATH      where its expiry is; --expiry-kind seconds | unix | date
  --refresh-path PATH      refresh endpoint; --refresh-body FIELD=VALUE ({refreshToken} {token});
                           --refresh-token-field PATH (default refreshToken)
  --check-path PATH        token check endpoint (for status --verify)
  --audience-path PATH     GET here for {"audience"} to request (PyPI-style)

Registries, credential files and client assertions (docs/format-*.md, docs/protocol-*.md):
  --package NAME           npm-registry + oidc: the package to publish (npm trusted publishing)
  --docker-server HOST     docker: the config.json key (default: the --url host)
  --npm-registry URL       npmrc: the registry the token is for (default: --url)
  --netrc-machine HOST     netrc: the machine the token is for (default: the --url host)
  --kube-server URL        kubeconfig: the API server (default: --url)
  --kube-ca-file FILE      kubeconfig: the API server's CA (PEM), embedded in the file
  --kube-ca-data DATA      kubeconfig: the same as PEM text or base64
  --kube-namespace NS      kubeconfig: the context's namespace
  --client-assertion-key FILE
                           oauth2: sign private_key_jwt client assertions with this key (JWK or PEM,
                           ES256/RS256; or the key itself in env DEPLOY_LOGIN_CLIENT_ASSERTION_KEY)
  docker and netrc put --username (or oidc / oauth2accesstoken / oauth2) beside a token.

Device login (--method device; oauth2 needs --client-id, fermyon uses Spin's; docs/device-flow.md):
  on a terminal, shows a one-time code and URL, opens the browser on Enter ($BROWSER to choose it)
  and polls until approved, denied or expired (exit 3). Without a terminal (or with CI set), use:
  --get-device-code        print {"verificationUrl","deviceCode","userCode","expiresIn","interval"}
  --check-device-code CODE poll once: {"status":"waiting"}, or {"status":"authorized",...} and store
                           the credential; denied/expired: exit 3. Give both steps the same flags.

Protocol fermyon (Spin; docs/protocol-fermyon.md): password = Hippo, token = a personal access
token, device = Fermyon's device flow. Fallbacks after the flags and DEPLOY_LOGIN_*: SPIN_AUTH_TOKEN,
HIPPO_USERNAME, HIPPO_PASSWORD, HIPPO_URL / CLOUD_URL (default https://cloud.fermyon.com), BINDLE_URL.

Several targets at once (docs/multi-target.md):
  --targets-file FILE      a YAML list of targets (- for stdin), each with the keys of the Action's
                           inputs (target, url, method, username, format, docker-server, json-*...);
                           secrets only as password-env / token-env / client-secret-env: VARIABLE.
                           The other login flags are defaults for every item. Exit code: the most
                           severe outcome (2 > 3 > 5 > 1 > 4). The first target of the list that
                           logs in becomes current (when none was).
  --concurrency N          logins in flight at once, 1-256 (default 64; env DEPLOY_LOGIN_CONCURRENCY)

Secrets are never taken from argv.`,

  logout: `Usage: deploy-login logout [--target NAME | --all] [--json]

Remove the stored credential and undo the credential files written for it
(entries we added are removed, entries we replaced are restored).`,

  status: `Usage: deploy-login status [--target NAME] [--min-valid SECONDS] [--verify] [--json]

Exit 0 when the target has a usable credential, 3 when it needs login, 2 when the store cannot be read.

  --min-valid SECONDS   warn (exit still 0) when less than this is left (default 300)
  --verify              also ask the target (the --check-url or json --check-path given at login):
                        200 = valid, 401/403 = exit 3`,

  refresh: `Usage: deploy-login refresh [--target NAME] [--json]

Get a new token now with the refresh token the target gave at login, and rewrite the store and the
tool files. Exit 3 when there is no refresh token or the target refuses it.`,

  completion: `Usage: deploy-login completion bash|zsh|fish

Print a completion script:
  bash: eval "$(deploy-login completion bash)"
  zsh:  source <(deploy-login completion zsh)
  fish: deploy-login completion fish | source`,

  token: `Usage: deploy-login token [--target NAME] [--json]

Print only the token (for piping into another tool). Exit 3 when it needs login.
  --json   print {"target","token","expiresAt"} instead`,

  env: `Usage: deploy-login env [--target NAME] [--json]

Print "export" lines for the target's token and credential files, for: eval "$(deploy-login env)".
  --json   print the same variables as one JSON object`,

  targets: `Usage: deploy-login targets [--json]

List stored targets: name, URL, method, expiry, and which one is current.`,

  use: `Usage: deploy-login use NAME

Make NAME the current target (used when --target is not given).`,

  run: `Usage: deploy-login run [--target NAME] [--relogin] [--timeout SECONDS]
                        [--needs-login-pattern REGEX]... [--needs-login-exit-code N]... [--json] -- CMD [ARGS...]

Check the credential first (missing or expired: exit 3 without running CMD, unless --relogin can
log in again without a person), then run CMD without a shell, stdin closed, in its own session
(no terminal to prompt on), with tools' prompts switched off, output streamed live.
A failure whose output shows an authentication error exits 3; any other failure exits 4.
A command that starts an interactive login is stopped at once (exit 3).

  --relogin                   log in again (stored method, secrets from the environment) when the
                              credential is missing or expired, or once when the deploy is refused
  --timeout SECONDS           stop the command (its whole process group) after this long; exit 3 if
                              it was waiting at a login prompt, else 4
  --needs-login-pattern RE    output that means "needs login" (repeatable)
  --needs-login-exit-code N   exit codes that mean "needs login" (repeatable)
  --json                      print {target,outcome,exitCode,commandExitCode,...}; the command's
                              stdout then goes to stderr
The child gets DEPLOY_LOGIN_TOKEN, DEPLOY_LOGIN_URL, DEPLOY_LOGIN_TARGET and the tools' file variables.`,
};
