// Tiny bearer-token validator for nginx `auth_request` (used by __tests__/peers/nginx.ts).
// GET/any /  with `Authorization: Bearer <t>` -> 200 {"sub":...} when <t> is a line of TOKENS_FILE, else 401.
// TOKENS_FILE is re-read on every request, so tests can add/revoke tokens by rewriting it.
// Env: PORT (required), TOKENS_FILE (required), HOST (default 127.0.0.1).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const PORT = Number(process.env.PORT);
const FILE = process.env.TOKENS_FILE;
const HOST = process.env.HOST || '127.0.0.1';
if (!PORT || !FILE) {
  console.error('bearer-validator: PORT and TOKENS_FILE are required');
  process.exit(2);
}

function tokens() {
  try {
    return readFileSync(FILE, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

createServer((req, res) => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization || '');
  const list = tokens();
  const idx = m ? list.indexOf(m[1]) : -1;
  if (idx >= 0) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sub: `token-${idx}` }));
    return;
  }
  res.writeHead(401, {
    'content-type': 'application/json',
    'www-authenticate': m ? 'Bearer error="invalid_token"' : 'Bearer',
  });
  res.end(JSON.stringify({ error: m ? 'invalid_token' : 'missing_token' }));
}).listen(PORT, HOST, () => console.log(`bearer-validator on http://${HOST}:${PORT}`));
