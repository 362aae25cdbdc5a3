// Bundle the Action's main and post steps, the CLI and the library with @vercel/ncc into dist/.
// Deterministic output, so CI can check that the committed dist/ is fresh.
import ncc from '@vercel/ncc';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile, readdir, readFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entries = {
  main: 'src/action/main.ts',
  post: 'src/action/post.ts',
  cli: 'src/cli/index.ts',
  lib: 'src/lib/index.ts',
};
// --out DIR builds elsewhere (tests can use it via DEPLOY_LOGIN_DIST without touching dist/).
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const distDir = outAt >= 0 ? path.resolve(args[outAt + 1]) : path.join(root, 'dist');
const only = args.filter((a, i) => i !== outAt && i !== outAt + 1);

/**
 * Built-ins that cost milliseconds to load (crypto ~5 ms, child_process ~3 ms with net and dgram,
 * tty ~4 ms with net and the streams, os ~1 ms, on Node 24) but that most runs touch late or never
 * (`status` needs none of them; `login` needs crypto only to hash a tool file past 16 KB or to
 * sign a client assertion; os only when HOME is unset). ncc binds each built-in our sources import either to a module-table entry
 * (`N:e=>{e.exports=R(import.meta.url)("node:crypto")}`, or `require("node:crypto")` in a CommonJS
 * bundle) or to a constant of a concatenated module (`const o=require("node:tty")`), both evaluated
 * at start-up; this swaps each for a proxy that loads the built-in on first property access.
 * Sources keep ordinary static imports.
 */
const DEFERRED_BUILTINS = ['node:crypto', 'node:child_process', 'node:os', 'node:tty'];
const lazyBuiltin = (load) =>
  `(()=>{let m;const l=()=>m??=${load};return new Proxy({},{` +
  `get:(_,k)=>k==="__esModule"?undefined:l()[k],has:(_,k)=>k in l(),ownKeys:()=>Reflect.ownKeys(l()),` +
  `getOwnPropertyDescriptor:(_,k)=>{const d=Reflect.getOwnPropertyDescriptor(l(),k);return d&&{...d,configurable:true}}})})()`;
function deferBuiltins(code) {
  return code.replace(
    /(?<![\w$.])((?:[\w$]+\(import\.meta\.url\))|require)\("(node:[a-z_]+)"\)/g,
    (whole, req, id) => (DEFERRED_BUILTINS.includes(id) ? lazyBuiltin(`${req}("${id}")`) : whole),
  );
}

/**
 * The CLI's entry, in front of its bundle (cli/deploy-login.js: see cliBundle). A CLI process is
 * short and most of its own time goes to V8 compiling the functions it calls, lazily, one by one;
 * Node's compile cache does not help there, as it keeps only what V8 compiled before the bundle
 * ran. So the entry compiles the bundle itself (vm.Script) with a code cache that it writes after
 * the first two successful runs (the second meets the store the first made), when every function
 * they needed is compiled: one cache per command and set of flag names, since `login` and `status`
 * call different code. The cache lives in a directory private to the user (created 0700,
 * used only if owned by them and closed to others: V8 code read from a directory other users can
 * write would be a way in), under a name that carries the bundle's hash (V8 checks only the
 * source's length) and the runtime's version. Anything unexpected compiles the bundle without a
 * cache. The Action does not do this: a hosted runner starts each job on a fresh machine.
 */
const cliEntry = async (hash) =>
  (await readFile(path.join(root, 'scripts', 'cli-entry.cjs'), 'utf8')).replace('__BUNDLE_HASH__', hash);

/**
 * The CLI's bundle as its entry compiles it: already inside the CommonJS wrapper, and over 128 KiB.
 * V8 puts an object over 128 KiB straight into its large-object space, so the source string (which
 * lives as long as the functions compiled from it) neither fills the young generation nor is copied
 * by its collections; wrapping it at run time made a second copy. The two took ~340 KiB of the
 * ~1.2 MiB a login allocates young; without them it measured -0.66 +-0.18 ms of CPU and -0.89
 * +-0.24 ms of wall time (150 paired runs, Node 24). The padding is a comment at the end: it does
 * not change what the script evaluates to.
 */
const LARGE_OBJECT_BYTES = 128 * 1024 + 1;
function cliBundle(code) {
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
  const note = '\n// padding: see cliBundle in scripts/build.mjs\n//';
  return wrapped + note + ' '.repeat(Math.max(0, LARGE_OBJECT_BYTES - wrapped.length - note.length)) + '\n';
}

/**
 * ncc minifies a bundle's main file but not the chunks it splits off for `import()` (the formats,
 * the YAML parser, the SHA-256 of tool files): a chunk is compiled from its source on every run
 * that loads it (only the main file has a code cache), and V8 pre-parses every byte of it, so
 * comments and long names cost start-up time. Terser, as ncc uses it for the main file.
 */
async function minifyChunk(code, esm) {
  const out = await minify(code, {
    module: esm,
    compress: true,
    mangle: true,
    format: { comments: /@license|^!/ },
  });
  return out.code;
}

for (const [name, entry] of Object.entries(entries)) {
  if (only.length && !only.includes(name)) continue;
  const out = path.join(distDir, name);
  const { code, assets } = await ncc(path.join(root, entry), {
    // Only the library is an ES module (what `import` users get). The CLI is CommonJS so that its
    // entry can compile it with a code cache (see cliEntry); the Action's steps because the same
    // bundle as CommonJS starts faster (main step CPU 1.47x the baseline against 1.55-1.64x as an
    // ES module, `npm run bench` on Node 24).
    esm: name === 'lib',
    // ncc's build cache is keyed by the entry's path, not by these options (esm above): a cache left
    // by another build of the same entry can leak into this one. dist/ must not depend on it.
    cache: false,
    minify: true,
    sourceMap: false,
    quiet: true,
    target: 'es2022',
    transpileOnly: true,
  });
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const lean = deferBuiltins(code).replace(/^#!.*\n/, '');
  if (name === 'cli') {
    const bundle = cliBundle(lean);
    await writeFile(path.join(out, 'deploy-login.js'), bundle);
    const hash = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
    await writeFile(path.join(out, 'index.js'), await cliEntry(hash));
  } else {
    await writeFile(path.join(out, 'index.js'), lean);
  }
  // The repository's package.json says "module": tell Node these bundles are CommonJS.
  if (name !== 'lib') await writeFile(path.join(out, 'package.json'), '{ "type": "commonjs" }\n');
  for (const [file, asset] of Object.entries(assets ?? {})) {
    const dest = path.join(out, file);
    await mkdir(path.dirname(dest), { recursive: true });
    await writeFile(
      dest,
      file.endsWith('.js')
        ? await minifyChunk(deferBuiltins(asset.source.toString()), name === 'lib')
        : asset.source,
    );
  }
  if (name === 'cli') await chmod(path.join(out, 'index.js'), 0o755);
  const files = await readdir(out, { recursive: true });
  console.log(`${path.relative(root, out)}: ${files.join(', ')}`);
}

// The library's declaration files, for package.json `exports` types (./dist/lib/types/lib/index.d.ts).
if (!only.length || only.includes('lib')) {
  const types = path.join(distDir, 'lib', 'types');
  await rm(types, { recursive: true, force: true });
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.lib.json'), '--outDir', types], {
    stdio: 'inherit',
  });
  console.log(`${path.relative(root, types)}: lib/index.d.ts and the core's declarations`);
}
