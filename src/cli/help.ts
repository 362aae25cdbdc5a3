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
  run        run a deploy command with the credential; exit 3 = needs login, 4 = deploy failed

Every command takes --help. Exit codes: 0 success, 1 internal error, 2 invalid input,
3 needs login, 4 deploy failed, 5 target unavailable.
Store: $DEPLOY_LOGIN_CONFIG, else $RUNNER_TEMP/deploy-login/credentials.json in GitHub Actions,
else $XDG_CONFIG_HOME/deploy-login/credentials.json.`,

  login: `Usage: deploy-login login [flags]

Log in to a target and store the issued token.

  --target NAME            name to store the credential under (default "default"; env DEPLOY_LOGIN_TARGET)
  --url URL                the target's base URL (env DEPLOY_LOGIN_URL)
  --method M               oidc | password | token | device | auto (default auto)
  --protocol P             oauth2 | fermyon | json | npm-registry | docker-registry (default oauth2)
  --username USER          for password logins (env DEPLOY_LOGIN_USERNAME)
  --password-stdin         read the password from stdin (else env DEPLOY_LOGIN_PASSWORD)
  --token-stdin            read a token from stdin (else env DEPLOY_LOGIN_TOKEN)
  --audience AUD           OIDC audience to request (default: the target URL's origin)
  --token-endpoint URL     skip discovery and use this token endpoint
  --client-id ID           OAuth client id (secret from env DEPLOY_LOGIN_CLIENT_SECRET)
  --scope SCOPE            OAuth scope to request
  --format LIST            credential files to write: spin, env (comma-separated, repeatable)
  --insecure               accept an invalid TLS certificate for this target (stored with it)
  --oidc-source S          github | gitlab | circleci | bitbucket | buildkite | azure | env | file
  --id-token-env VAR       variable holding a ready CI JWT (default DEPLOY_LOGIN_ID_TOKEN)
  --id-token-file FILE     file holding a ready CI JWT
  --json                   print the result as JSON

Secrets are never taken from argv.`,

  logout: `Usage: deploy-login logout [--target NAME | --all] [--json]

Remove the stored credential and undo the credential files written for it
(entries we added are removed, entries we replaced are restored).`,

  status: `Usage: deploy-login status [--target NAME] [--json]

Exit 0 when the target has a usable credential, 3 when it needs login, 2 when the store cannot be read.`,

  token: `Usage: deploy-login token [--target NAME]

Print only the token (for piping into another tool). Exit 3 when it needs login.`,

  env: `Usage: deploy-login env [--target NAME]

Print "export" lines for the target's token and credential files, for: eval "$(deploy-login env)".`,

  targets: `Usage: deploy-login targets [--json]

List stored targets: name, URL, method, expiry, and which one is current.`,

  use: `Usage: deploy-login use NAME

Make NAME the current target (used when --target is not given).`,

  run: `Usage: deploy-login run [--target NAME] [--relogin] [--timeout SECONDS]
                        [--needs-login-pattern REGEX]... [--needs-login-exit-code N]... [--json] -- CMD [ARGS...]

Check the credential first (missing or expired: exit 3 without running CMD, unless --relogin can
log in again without a person), then run CMD without a shell, stdin closed, output streamed.
A failure whose output shows an authentication error exits 3; any other failure exits 4.
The child gets DEPLOY_LOGIN_TOKEN, DEPLOY_LOGIN_URL, DEPLOY_LOGIN_TARGET and the tools' file variables.`,
};
