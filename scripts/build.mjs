// Bundle the Action's main and post steps, the CLI and the library with @vercel/ncc into dist/.
// Deterministic output, so CI can check that the committed dist/ is fresh.
import ncc from '@vercel/ncc';
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile, readdir, chmod } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
 * os ~1 ms, on Node 24) but that most runs touch late or never (`status` needs none of them; `login`
 * needs crypto only to write files; os only when HOME is unset). ncc binds each built-in our sources import to a module-table entry
 * `N:e=>{e.exports=R(import.meta.url)("node:crypto")}`, evaluated at start-up; this swaps the export
 * for a proxy that loads the built-in on first property access. Sources keep ordinary static imports.
 */
const DEFERRED_BUILTINS = ['node:crypto', 'node:child_process', 'node:os', 'node:tty'];
function deferBuiltins(code) {
  return code.replace(
    /([\w$]+)\.exports=([\w$]+)\(import\.meta\.url\)\("(node:[a-z_]+)"\)/g,
    (whole, mod, req, id) =>
      DEFERRED_BUILTINS.includes(id)
        ? `{let m;const l=()=>m??=${req}(import.meta.url)("${id}");${mod}.exports=new Proxy({},{` +
          `get:(_,k)=>k==="__esModule"?undefined:l()[k],has:(_,k)=>k in l(),ownKeys:()=>Reflect.ownKeys(l()),` +
          `getOwnPropertyDescriptor:(_,k)=>{const d=Reflect.getOwnPropertyDescriptor(l(),k);return d&&{...d,configurable:true}}})}`
        : whole,
  );
}

/**
 * The CLI's entry, in front of its bundle (cli/deploy-login.js): it turns on Node's compile cache
 * (Node >= 22.1) before the bundle loads, so every later command skips compiling it. The cache
 * directory is private to the user (created 0700, used only if owned by them and closed to others):
 * V8 code read from a directory other users can write would be a way in. Built-ins come from
 * process.getBuiltinModule, which skips the ESM facades of `import`. The Action does not do this: a
 * hosted runner starts each job on a fresh machine, so its cache would always be cold.
 */
const CLI_ENTRY = `#!/usr/bin/env node
try {
  const get = process.getBuiltinModule;
  const { enableCompileCache } = get?.('node:module') ?? {};
  if (enableCompileCache && process.platform !== 'win32' && !process.env.NODE_COMPILE_CACHE) {
    const fs = get('node:fs');
    const dir = get('node:path').join(get('node:os').tmpdir(), \`deploy-login-compile-cache-\${process.getuid()}\`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (st.isDirectory() && st.uid === process.getuid() && (st.mode & 0o077) === 0) enableCompileCache(dir);
  }
} catch {}
await import('./deploy-login.js');
`;

for (const [name, entry] of Object.entries(entries)) {
  if (only.length && !only.includes(name)) continue;
  const out = path.join(distDir, name);
  const { code, assets } = await ncc(path.join(root, entry), {
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
    await writeFile(path.join(out, 'deploy-login.js'), lean);
    await writeFile(path.join(out, 'index.js'), CLI_ENTRY);
  } else {
    await writeFile(path.join(out, 'index.js'), lean);
  }
  for (const [file, asset] of Object.entries(assets ?? {})) {
    const dest = path.join(out, file);
    await mkdir(path.dirname(dest), { recursive: true });
    await writeFile(dest, file.endsWith('.js') ? deferBuiltins(asset.source.toString()) : asset.source);
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
