// Bundle the Action's main and post steps, the CLI and the library with @vercel/ncc into dist/.
// Deterministic output, so CI can check that the committed dist/ is fresh.
import ncc from '@vercel/ncc';
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
  const body = name === 'cli' && !code.startsWith('#!') ? `#!/usr/bin/env node\n${code}` : code;
  await writeFile(path.join(out, 'index.js'), body);
  for (const [file, asset] of Object.entries(assets ?? {})) {
    const dest = path.join(out, file);
    await mkdir(path.dirname(dest), { recursive: true });
    await writeFile(dest, asset.source);
  }
  if (name === 'cli') await chmod(path.join(out, 'index.js'), 0o755);
  const files = await readdir(out, { recursive: true });
  console.log(`${path.relative(root, out)}: ${files.join(', ')}`);
}
