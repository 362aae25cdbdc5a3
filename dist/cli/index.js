#!/usr/bin/env node
try {
  const get = process.getBuiltinModule;
  const { enableCompileCache } = get?.('node:module') ?? {};
  if (enableCompileCache && process.platform !== 'win32' && !process.env.NODE_COMPILE_CACHE) {
    const fs = get('node:fs');
    const dir = get('node:path').join(get('node:os').tmpdir(), `deploy-login-compile-cache-${process.getuid()}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (st.isDirectory() && st.uid === process.getuid() && (st.mode & 0o077) === 0) enableCompileCache(dir);
  }
} catch {}
await import('./deploy-login.js');
