import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The console's web UI. `vite build --config web/vite.config.ts` (from services/console) writes
 * `web/dist`, which the NestJS app serves at `/`. In development `vite` proxies the API and health
 * endpoints to a console running on port 3000, so cookies stay same-origin.
 *
 * The browser may import only `@argus/contracts` from the workspace (zod schemas and types); it is
 * aliased to its TypeScript source so Vite compiles it with the app and no Node module is pulled in.
 */
const webRoot = __dirname;
const repoRoot = resolve(webRoot, '../../..');
const apiTarget = process.env.ARGUS_CONSOLE_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: { '@argus/contracts': resolve(repoRoot, 'libs/contracts/src/index.ts') },
  },
  build: {
    outDir: resolve(webRoot, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    rollupOptions: {
      // zod's sources carry `@__PURE__` notes Rollup cannot place; it drops them harmlessly. Say so once, not per file.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/health': { target: apiTarget, changeOrigin: false },
    },
  },
});
