#!/usr/bin/env node
/**
 * A stand-in deploy command for the demo, the tests and the e2e workflow: it calls the dev target's
 * protected deploy API with the token deploy-login hands it, and fails the way real tools fail.
 *
 *   node dev/deploy.mjs [--url URL] [--fail] [--bad-token]
 *
 * URL defaults to $DEPLOY_LOGIN_URL; the token is $DEPLOY_LOGIN_TOKEN. `--fail` asks the target to fail
 * the deploy (HTTP 500); `--bad-token` sends a token the target does not know (HTTP 401).
 * Exit 0 when deployed; 1 otherwise, after printing `deploy: HTTP <status> <reason>` on stderr, which
 * is how curl-like tools report it (a 401 there is what `deploy-login run` classifies as needs-login).
 * Zero dependencies, Node 20 or later.
 */
import { parseArgs } from 'node:util';
import { STATUS_CODES } from 'node:http';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    fail: { type: 'boolean', default: false },
    'bad-token': { type: 'boolean', default: false },
  },
});
const base = values.url ?? process.env.DEPLOY_LOGIN_URL;
const token = values['bad-token'] ? 'not-a-token-the-target-issued' : process.env.DEPLOY_LOGIN_TOKEN;
if (!base || !token) {
  process.stderr.write('deploy: needs --url (or DEPLOY_LOGIN_URL) and DEPLOY_LOGIN_TOKEN\n');
  process.exit(2);
}

const res = await fetch(`${base.replace(/\/+$/, '')}/api/deploy${values.fail ? '?fail=1' : ''}`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ app: 'demo-app' }),
});
const body = await res.text();
if (res.ok) {
  process.stdout.write(`deploy: deployed demo-app (HTTP ${res.status})\n`);
} else {
  let detail = '';
  try {
    detail = JSON.parse(body).error ?? '';
  } catch {}
  process.stderr.write(
    `deploy: HTTP ${res.status} ${STATUS_CODES[res.status] ?? ''}${detail ? `: ${detail}` : ''}\n`,
  );
  process.exitCode = 1;
}
