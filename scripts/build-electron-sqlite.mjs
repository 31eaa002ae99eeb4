// better-sqlite3 uses V8's API, so Electron needs its own build of it (Electron's ABI),
// while npm test keeps running the Node build. This builds a second copy for Electron
// into .electron-native/ and leaves node_modules alone; the Electron shell loads it with
// better-sqlite3's `nativeBinding` option. Needs Electron's headers (internet), once.
// The global `nodedir` npm setting would build against Node's headers: it is dropped here.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const target = join(root, '.electron-native', 'better_sqlite3.node');
const stamp = join(root, '.electron-native', `electron-${electronVersion}`);
if (existsSync(target) && existsSync(stamp)) process.exit(0);

const nodeGyp =
  process.env.npm_config_node_gyp ??
  join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
const work = mkdtempSync(join(tmpdir(), 'countertop-sqlite-'));
const source = dirname(require.resolve('better-sqlite3/package.json'));
cpSync(source, work, { recursive: true, filter: (path) => !path.includes(`${source}/build`) });
const env = { ...process.env };
for (const key of Object.keys(env)) if (key.toLowerCase() === 'npm_config_nodedir') delete env[key];
console.error(`Building better-sqlite3 for Electron ${electronVersion}…`);
const build = spawnSync(
  process.execPath,
  [
    nodeGyp,
    'rebuild',
    '--release',
    `--target=${electronVersion}`,
    '--runtime=electron',
    '--dist-url=https://electronjs.org/headers',
  ],
  { cwd: work, stdio: 'inherit', env },
);
if (build.status !== 0) {
  console.error(
    '\nCould not build better-sqlite3 for Electron (Electron headers need internet access).\nRun the same app in a browser instead:  npm run start:web\n',
  );
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(join(work, 'build/Release/better_sqlite3.node'), target);
copyFileSync(target, stamp);
rmSync(work, { recursive: true, force: true });
