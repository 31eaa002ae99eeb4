/**
 * The journal from the command line, for the merchant's IT person:
 *   npm run journal -- verify   [--config FILE | --data-dir DIR]   integrity check + audit chain
 *   npm run journal -- add-user --name NAME --role cashier|manager [--badge CODE] (PIN read from COUNTERTOP_PIN or stdin)
 *   npm run journal -- export-orders [--since YYYY-MM-DD]            completed sales as CSV on stdout
 * Exit code 0 when all is well, 1 when the check fails, 2 on bad arguments.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyAuditChain } from '../auth/audit-log';
import { hashPin } from '../auth/pin-hash';
import { createAuditRepository } from '../journal/audit-repository';
import { createUserRepository } from '../journal/user-repository';
import { resolveConfig } from '../config/demo-config';
import { integrityCheck, openJournal, openJournalReadOnly } from '../journal/open-journal';
import { createReportRepository, type SalesExportRow } from '../journal/report-repository';

function journalPath(values: { config?: string; 'data-dir'?: string }, mustExist = true): string {
  const dataDir = values['data-dir'] ?? resolveConfig(values.config ?? process.env.COUNTERTOP_CONFIG ?? null).dataDir;
  const path = join(dataDir, 'journal.sqlite');
  if (mustExist && !existsSync(path)) throw new Error(`No journal at ${path}`);
  return path;
}

function verify(path: string): number {
  // Read-only: verifying must never change the evidence.
  const journal = openJournalReadOnly(path);
  try {
    const integrity = integrityCheck(journal.db)[0];
    if (integrity !== 'ok') {
      console.log(`Journal ${path}: SQLite integrity check FAILED: ${String(integrity)}`);
      return 1;
    }
    const verdict = verifyAuditChain(createAuditRepository(journal.db));
    if (verdict.ok) {
      console.log(`Journal ${path}: integrity ok; audit chain ok (${verdict.entries} entries).`);
      return 0;
    }
    console.log(`Journal ${path}: audit chain BROKEN at entry ${verdict.brokenAt}: ${verdict.reason}.`);
    return 1;
  } finally {
    journal.close();
  }
}

async function addUser(path: string, values: { name?: string; role?: string; badge?: string }): Promise<number> {
  if (!values.name || (values.role !== 'cashier' && values.role !== 'manager')) {
    console.error('add-user needs --name NAME --role cashier|manager');
    return 2;
  }
  const pin = (process.env.COUNTERTOP_PIN ?? readFileSync(0, 'utf8')).trim();
  if (!/^\d{4,8}$/.test(pin)) {
    console.error('The PIN must be 4 to 8 digits (COUNTERTOP_PIN or standard input).');
    return 2;
  }
  const journal = openJournal(path);
  try {
    const id = createUserRepository(journal.db).create({
      name: values.name,
      role: values.role,
      pinHash: await hashPin(pin),
      badge: values.badge ?? null,
    });
    console.log(`Added ${values.role} ${values.name} (${id}).`);
    return 0;
  } finally {
    journal.close();
  }
}

function exportOrders(path: string, since: string | undefined): number {
  const journal = openJournalReadOnly(path);
  try {
    const rows = createReportRepository(journal.db).salesExport(since ?? null);
    const header: (keyof SalesExportRow)[] = [
      'number',
      'completed_at',
      'cashier',
      'currency',
      'subtotal',
      'discount_total',
      'tax_total',
      'total',
      'cash_rounding',
    ];
    const cell = (v: unknown) => {
      const t = v === null ? '' : String(v);
      return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
    };
    process.stdout.write(
      [header.join(','), ...rows.map((r) => header.map((h) => cell(r[h])).join(','))].join('\n') + '\n',
    );
    return 0;
  } finally {
    journal.close();
  }
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      badge: { type: 'string' },
      since: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (command === 'verify') return verify(journalPath(values));
  if (command === 'add-user') return addUser(journalPath(values, false), values);
  if (command === 'export-orders') return exportOrders(journalPath(values), values.since);
  console.error(
    'Usage: npm run journal -- verify | add-user --name N --role cashier|manager | export-orders [--since DATE]  [--config FILE | --data-dir DIR]',
  );
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error((error as Error).message);
    process.exit(2);
  },
);
