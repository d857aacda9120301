#!/usr/bin/env node
// Builds the console's web UI (services/console/web → web/dist) when it is missing or older than its
// sources, so `npm start` on a fresh clone serves a working console. Fast when nothing changed.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'services', 'console', 'web');
const built = join(web, 'dist', 'index.html');

/** The newest modification time of the UI's sources (and of the contracts it imports). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

let builtAt = 0;
try {
  builtAt = statSync(built).mtimeMs;
} catch {
  // not built yet
}
const sourcesAt = Math.max(newestSource(web), newestSource(join(root, 'libs', 'contracts', 'src')));
if (builtAt >= sourcesAt) process.exit(0);
console.log(builtAt === 0 ? 'console UI: building it once (vite build)…' : 'console UI: sources changed, rebuilding (vite build)…');
const t0 = Date.now();
const r = spawnSync('npm', ['run', 'build', '--silent', '-w', '@argus/console'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (r.status !== 0) {
  console.error('console UI: the build failed (output above); the API still starts, the UI page will say it is not built.');
  process.exit(0);
}
console.log(`console UI: built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
