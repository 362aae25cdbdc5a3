// Crash-test driver: logs in and out in a loop through the BUILT library (dist/lib), writing the
// store and two tool files (spin, env) on every turn, until it is killed. Spawned (SIGKILLed at a
// random moment) by __tests__/crash.test.ts.
//
//   node crash-driver.mjs LIB_INDEX_JS DIR FIRST_N [--once]
//
// Every token is self-checking (`tok-N-<12 hex of sha256(N)>`), so a file that holds a torn or
// mixed write cannot pass the test's check by accident. Prints "ready" once the library is loaded.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [lib, dir, first, mode] = process.argv.slice(2);
const { login, logout } = await import(pathToFileURL(lib).href);

const env = {
  HOME: path.join(dir, 'home'),
  XDG_CONFIG_HOME: path.join(dir, 'cfg'),
  DEPLOY_LOGIN_CONFIG: path.join(dir, 'store', 'credentials.json'),
};
const options = { env, home: env.HOME, platform: 'linux' };
const NAMES = ['default', 'staging', 'prod'];
export const tokenFor = (n) =>
  `tok-${n}-${createHash('sha256').update(String(n)).digest('hex').slice(0, 12)}`;

async function turn(n) {
  const target = NAMES[n % NAMES.length];
  if (n % 7 === 6) {
    await logout({ target }, options);
    return;
  }
  await login(
    { target, url: `https://${target}.example.com`, method: 'token', format: 'spin,env' },
    { token: tokenFor(n) },
    options,
  );
}

process.stdout.write('ready\n');
let n = Number(first);
if (mode === '--once') {
  await turn(n);
} else {
  for (;;) await turn(n++);
}
