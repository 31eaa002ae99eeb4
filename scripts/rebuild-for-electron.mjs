// better-sqlite3 uses the V8 API, so packaging needs it rebuilt for Electron's ABI.
// npm passes the global `nodedir` setting to node-gyp, which would rebuild against
// Node's headers instead of Electron's: drop it for this step (DESIGN.md §10).
import { spawnSync } from 'node:child_process';

const env = { ...process.env };
for (const key of Object.keys(env)) if (key.toLowerCase() === 'npm_config_nodedir') delete env[key];
const result = spawnSync('npx', ['electron-builder', 'install-app-deps'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
