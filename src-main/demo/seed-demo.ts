/** First start in demo mode: the demo staff (default PINs) and the sample catalogue. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPin } from '../auth/pin-hash';
import { pinProblem } from '../auth/pin-policy';
import type { ProductReader } from '../journal/product-repository';
import type { UserReader, UserWriter } from '../journal/user-repository';
import type { Catalog } from '../catalog/catalog';
import { DEMO_USERS } from '../config/demo-config';
import type { Logger } from '../logger';

export const SAMPLE_CATALOGUE = 'sample-catalogue.csv';

export async function seedDemo(deps: {
  users: UserReader & UserWriter;
  products: Pick<ProductReader, 'count' | 'departments'>;
  catalog: Catalog;
  resourcesDir: string;
  log: Logger;
  /** The store's minimum for manager PINs: a demo PIN below it is a mistake in the demo config. */
  managerPinMinLength: number;
}): Promise<void> {
  // Staff are a few rows: counting them is cheap whatever the journal holds.
  if (deps.users.count() === 0) {
    for (const user of DEMO_USERS) {
      const problem = pinProblem(user.role, user.pin, deps.managerPinMinLength);
      if (problem) throw new Error(`Demo user ${user.name}: ${problem}`);
      deps.users.create({
        id: user.id,
        name: user.name,
        role: user.role,
        pinHash: await hashPin(user.pin),
        badge: user.badge,
      });
    }
  }
  // COUNT(*) reads the whole products table (1M rows at a big store, issue 14): a catalogue with a
  // department of active products is not empty, and that list is a small table of its own.
  if (deps.products.departments().length === 0 && deps.products.count() === 0) {
    const report = await deps.catalog.importCsv({
      csv: readFileSync(join(deps.resourcesDir, SAMPLE_CATALOGUE), 'utf8'),
    });
    deps.log.info(`Demo catalogue: ${report.imported} products imported, ${report.rejected} rejected`);
    if (report.rejected)
      throw new Error(
        `The sample catalogue has bad rows: ${report.errors
          .slice(0, 3)
          .map((e) => `row ${e.row}: ${e.message}`)
          .join('; ')}`,
      );
  }
}
