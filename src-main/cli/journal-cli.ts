/**
 * The journal from the command line, for the merchant's IT person:
 *   npm run journal -- verify   [--config FILE | --data-dir DIR] [--anchor SEQ:HASH]… [--public-key FILE]…
 *                                   integrity check, audit trail and the signed journal chain (rows, anchors, seals)
 *   npm run journal -- verify --export FILE                          an exported chain, without the journal
 *   npm run journal -- export-chain --out FILE                       the chain and its public keys, for an auditor
 *   npm run journal -- add-user --name NAME --role cashier|manager [--badge CODE] (PIN read from COUNTERTOP_PIN or stdin)
 *   npm run journal -- export-orders [--since YYYY-MM-DD]            completed sales as CSV on stdout
 * Exit code 0 when all is well, 1 when the check fails, 2 on bad arguments.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportChain, verifyExport, verifyJournal } from './journal-verify';
import { hashPin } from '../auth/pin-hash';
import { pinProblem } from '../auth/pin-policy';
import { lockDataFolder } from '../journal/data-folder-lock';
import { createUserRepository } from '../journal/user-repository';
import { resolveConfig } from '../config/demo-config';
import { openJournalReadOnly } from '../journal/open-journal';
import { defaultKeyStore, openChainedJournal } from '../integrity/chained-journal';
import { createReportRepository, type SalesExportRow } from '../journal/report-repository';

function journalPath(values: { config?: string; 'data-dir'?: string }, mustExist = true): string {
  const dataDir = values['data-dir'] ?? resolveConfig(values.config ?? process.env.COUNTERTOP_CONFIG ?? null).dataDir;
  const path = join(dataDir, 'journal.sqlite');
  if (mustExist && !existsSync(path)) throw new Error(`No journal at ${path}`);
  return path;
}

async function addUser(
  path: string,
  values: { name?: string; role?: string; badge?: string; config?: string },
  managerPinMinLength: number,
): Promise<number> {
  if (!values.name || (values.role !== 'cashier' && values.role !== 'manager')) {
    console.error('add-user needs --name NAME --role cashier|manager');
    return 2;
  }
  const pin = (process.env.COUNTERTOP_PIN ?? readFileSync(0, 'utf8')).trim();
  const problem = pinProblem(values.role, pin, managerPinMinLength);
  if (problem) {
    console.error(`${problem} Give it in COUNTERTOP_PIN or on standard input.`);
    return 2;
  }
  // A write: refused while a till (or another write) holds the data folder; verify and export only read.
  const lock = lockDataFolder(dirname(path), { program: 'journal add-user' });
  // Through the signed chain, like every write the till makes (a user added otherwise would show as tampering).
  const config = resolveConfig(values.config ?? process.env.COUNTERTOP_CONFIG ?? null);
  const { journal, close } = openChainedJournal(path, {
    keys: defaultKeyStore(dirname(path), config.security.signingKeyFile),
    log: (message) => console.error(message),
  });
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
    close();
    lock.release();
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
      anchor: { type: 'string', multiple: true },
      'public-key': { type: 'string', multiple: true },
      export: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (command === 'verify')
    return values.export ? verifyExport(values.export, values) : verifyJournal(journalPath(values), values);
  if (command === 'export-chain') {
    if (!values.out) {
      console.error('export-chain needs --out FILE');
      return 2;
    }
    return exportChain(journalPath(values), values.out);
  }
  if (command === 'add-user')
    return addUser(
      journalPath(values, false),
      values,
      resolveConfig(values.config ?? process.env.COUNTERTOP_CONFIG ?? null).security.managerPinMinLength,
    );
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
