/** Where the built renderer and resources/ are, from source (tsx) or from out/main. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

function firstExisting(candidates: string[], what: string): string {
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`Cannot find ${what}; looked in ${candidates.join(', ')}`);
  return found;
}

export function resourcesDir(here: string): string {
  return (
    process.env.COUNTERTOP_RESOURCES ??
    firstExisting([join(here, '../../resources'), join(here, '../resources'), resolve('resources')], 'resources/')
  );
}

export function rendererDir(here: string): string {
  return (
    process.env.COUNTERTOP_RENDERER_DIR ??
    firstExisting(
      [join(here, '../renderer'), join(here, '../../out/renderer'), resolve('out/renderer')].filter((d) =>
        existsSync(join(d, 'index.html')),
      ),
      'the built renderer (run npm run build)',
    )
  );
}
