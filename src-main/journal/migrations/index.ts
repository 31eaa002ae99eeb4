/** Every schema migration, in order. Add a new file and one line here; never edit a shipped one. */
import type { Migration } from './migration';
import { foundation } from './001-foundation';
import { payments } from './002-payments';
import { printJobs } from './003-print-jobs';
import { manager } from './004-manager';
import { moneySafety } from './005-money-safety';
import { refundLedger } from './006-refund-ledger';
import { journalChain } from './007-journal-chain';
import { runningTotals } from './008-running-totals';
import { catalogSearch } from './009-catalog-search';

export const MIGRATIONS: readonly Migration[] = [
  foundation,
  payments,
  printJobs,
  manager,
  moneySafety,
  refundLedger,
  journalChain,
  runningTotals,
  catalogSearch,
];
