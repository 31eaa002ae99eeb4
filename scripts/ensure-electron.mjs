// Electron's binary is not downloaded at npm install (package.json allowScripts denies
// its postinstall, so installs pass on machines without internet). Fetch it on first use.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
if (!existsSync(join(electronDir, 'path.txt'))) {
  console.error('Downloading the Electron binary (first start only)…');
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
  });
  if (result.status !== 0 || !existsSync(join(electronDir, 'path.txt'))) {
    console.error(
      '\nCould not download Electron on this machine (no internet access to its release host?).\n' +
        'Run the same app in a browser instead:  npm run start:web\n',
    );
    process.exit(1);
  }
}
