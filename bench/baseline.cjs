/**
 * The zero-dependency baseline the start-up benchmark compares deploy-login with: the same work a
 * login does and nothing else. Fetch the CI's OIDC token (GitHub's request shape), exchange it once
 * (RFC 8693) at the token endpoint, write the token to a file atomically (0600, write + rename).
 *
 *   ACTIONS_ID_TOKEN_REQUEST_URL=... ACTIONS_ID_TOKEN_REQUEST_TOKEN=... \
 *     node bench/baseline.cjs TOKEN_ENDPOINT AUDIENCE OUT_FILE
 *
 * Written the cheapest way Node allows, so the comparison is fair to the baseline:
 * - node:http, not fetch: fetch loads undici on first use.
 * - CommonJS `require`, not ESM `import http from 'node:http'`: on Node 24 an ESM import of
 *   node:http evaluates every export, including the lazy WebSocket/EventSource getters that load
 *   undici and crypto, which costs about 30 ms of CPU. (The ncc bundles require built-ins too.)
 */
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const [tokenEndpoint, audience, outFile] = process.argv.slice(2);

function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
        else resolve(JSON.parse(text));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const idUrl = new URL(process.env.ACTIONS_ID_TOKEN_REQUEST_URL);
  idUrl.searchParams.set('audience', audience);
  const { value: subject } = await request(idUrl, {
    headers: { authorization: `Bearer ${process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
  });
  const form = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: subject,
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
  }).toString();
  const grant = await request(tokenEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(form),
    },
    body: form,
  });
  fs.mkdirSync(path.dirname(outFile), { recursive: true, mode: 0o700 });
  const tmp = `${outFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ token: grant.access_token, expiresIn: grant.expires_in }) + '\n', {
    mode: 0o600,
  });
  fs.renameSync(tmp, outFile);
}

main().catch((err) => {
  process.stderr.write(`baseline: ${err.message}\n`);
  process.exitCode = 1;
});
