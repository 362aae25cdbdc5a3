#!/usr/bin/env node
// The CLI's entry (dist/cli/index.js), copied by scripts/build.mjs with the bundle's hash filled in.
// Why it compiles the bundle itself: see cliEntry in scripts/build.mjs.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const BUNDLE = path.join(__dirname, 'deploy-login.js');

/**
 * The bundle is a function expression (the CommonJS wrapper is written by the build: see cliBundle
 * in scripts/build.mjs); this compiles it with the user's code cache, or returns undefined where
 * there can be none.
 */
function compiled(vm, source) {
  const uid = process.getuid?.();
  // os.tmpdir()'s rule, without loading node:os (path.join below drops a trailing slash).
  const tmp = process.env.TMPDIR || process.env.TMP || process.env.TEMP || '/tmp';
  if (uid === undefined || process.platform === 'win32' || !path.isAbsolute(tmp)) return undefined;
  const dir = path.join(tmp, `deploy-login-code-cache-${uid}`);
  // Only the last directory: a TMPDIR that does not exist is not ours to create.
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
  }
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) return undefined;
  const own = `dbec2f2f2c2c010b-${source.length}-`;
  const file = path.join(dir, `${own}${process.version}-${process.arch}-${shape(process.argv.slice(2))}`);
  // The file is one byte of generation, then V8's cache. The first run of a command usually meets
  // a world without a store or tool files and so compiles only that path; the second meets what
  // every later run meets, so its cache (which keeps the first's functions too) is the lasting one.
  let cachedData;
  let generation = 0;
  const bytes = ownCache(file, uid);
  if (bytes) {
    generation = bytes[0];
    cachedData = bytes.subarray(1);
  }
  const script = new vm.Script(source, { filename: BUNDLE, cachedData });
  if (cachedData === undefined || script.cachedDataRejected || generation < 2) {
    const next = cachedData === undefined || script.cachedDataRejected ? 1 : generation + 1;
    // After a successful run every function it needed is compiled; a failed run may have taken a
    // short path, so it leaves the cache to the next one.
    process.once('exit', (code) => {
      if (code !== 0) return;
      const part = `${file}.${process.pid}.tmp`;
      try {
        const fd = fs.openSync(part, 'wx', 0o600);
        try {
          writeAll(fd, Uint8Array.of(next));
          writeAll(fd, script.createCachedData());
        } finally {
          fs.closeSync(fd);
        }
        fs.renameSync(part, file);
        pruneOthers(dir, own);
      } catch {
        try {
          fs.unlinkSync(part);
        } catch {
          // Nothing was written.
        }
      }
    });
  }
  return script.runInThisContext();
}

/**
 * Which code a run calls depends on its command and flags (`login --method oidc --token-endpoint`
 * and `login --get-device-code` share little; `--help` shares nothing), and a cache holds only what
 * the run that wrote it compiled: so one cache per command and set of flag names, e.g.
 * `login-1f0c9a2e`. Only flag names count, never values: the one flag whose value may look like a
 * flag (a device code) has it skipped.
 */
function shape(args) {
  const end = args.indexOf('--');
  const own = end < 0 ? args : args.slice(0, end);
  const command = own[0] && own[0].length <= 20 && lowerFrom(own[0], 0, false) ? own[0] : 'other';
  const flags = new Set();
  for (let i = 1; i < own.length; i++) {
    const name = flagName(own[i]);
    if (!name) continue;
    flags.add(name);
    if (name === '--check-device-code' && !own[i].includes('=')) i++;
  }
  // FNV-1a: a short, stable name for the set, without loading node:crypto.
  let h = 0x811c9dc5;
  for (const c of [...flags].sort().join(' ')) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return `${command}-${h.toString(16).padStart(8, '0')}`;
}

// Character loops, not regular expressions: V8 compiles each expression on first use (and
// natively on the second), which costs this entry more than the loops ever will.

/** `--name` or `-h` (either maybe followed by `=value`): the name; anything else: undefined. */
function flagName(arg) {
  const eq = arg.indexOf('=');
  const name = eq < 0 ? arg : arg.slice(0, eq);
  if (name === '-h') return name;
  const ok = name.length >= 3 && name.length <= 43 && name.startsWith('--') && name[2] !== '-';
  return ok && lowerFrom(name, 2, true) ? name : undefined;
}

/** Whether s[from..] is only a-z (and '-' when allowed). */
function lowerFrom(s, from, dash) {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (dash && c === 45))) return false;
  }
  return true;
}

/**
 * The cache file's bytes, if it is this user's own: V8 runs whatever bytecode a cache holds, and the
 * directory checked before may have been swapped since (a rename by another user, where TMPDIR
 * lets them), so the file itself is judged, through the descriptor it is read from.
 */
function ownCache(file, uid) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return undefined; // no cache yet: this run makes one
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.uid !== uid || (st.mode & 0o077) !== 0 || st.nlink !== 1) return undefined;
    const bytes = Buffer.allocUnsafe(st.size);
    for (let at = 0; at < bytes.length;) {
      const n = fs.readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) return undefined;
      at += n;
    }
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd, bytes) {
  for (let at = 0; at < bytes.length;) at += fs.writeSync(fd, bytes, at);
}

/** Caches of other builds that have not been written for a week: an upgrade leaves them behind. */
function pruneOthers(dir, own) {
  const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(own)) continue;
    const p = path.join(dir, name);
    if (fs.lstatSync(p).mtimeMs < weekAgo) fs.unlinkSync(p);
  }
}

const vm = require('node:vm');
const source = fs.readFileSync(BUNDLE, 'utf8');
let run;
try {
  run = compiled(vm, source);
} catch {
  // A runtime without vm code caches, or an unusable temp directory: compile without a cache.
}
run ??= vm.runInThisContext(source, { filename: BUNDLE });
const m = { exports: {} };
run.call(m.exports, m.exports, require, m, BUNDLE, __dirname);
