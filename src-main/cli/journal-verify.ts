/**
 * `npm run journal -- verify` and `export-chain`: the journal checked read-only (SQLite's integrity
 * check, the audit trail's own hash chain, and the signed journal chain against its anchors and
 * rows), and the chain exported with its public keys for an auditor to check elsewhere
 * (`verify --export FILE` checks such an export without the journal).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { verifyAuditChain } from '../auth/audit-log';
import { anchorPathFor, mismatchedAnchors } from '../integrity/chain-hash';
import {
  exportChainJson,
  verifyJournalChain,
  verifyLinks,
  type ChainExport,
  type ChainProblem,
  type VerifyOptions,
} from '../integrity/chain-verify';
import { createAuditRepository } from '../journal/audit-repository';
import { createChainRepository } from '../journal/chain-repository';
import { integrityCheck, openJournalReadOnly } from '../journal/open-journal';

export interface VerifyArguments {
  /** `seq:hash-prefix` as printed on Z reports. */
  anchor?: string[];
  /** PEM files of public keys the auditor trusts. */
  'public-key'?: string[];
}

function printedAnchors(values: VerifyArguments): { seq: number; hashPrefix: string }[] {
  return (values.anchor ?? []).map((text) => {
    const match = /^(\d{1,15}):([0-9a-fA-F]{8,64})$/.exec(text.trim());
    if (!match) throw new Error(`--anchor ${text}: give it as printed on the Z report, e.g. 1234:0123456789abcdef`);
    return { seq: Number(match[1]), hashPrefix: match[2].toLowerCase() };
  });
}

function trustedKeys(values: VerifyArguments): NonNullable<VerifyOptions['trustedKeys']> {
  return (values['public-key'] ?? []).map((file) => ({ pem: readFileSync(file, 'utf8'), source: file }));
}

function printProblems(problems: ChainProblem[], count: number): void {
  for (const problem of problems) console.log(`  - ${problem.text}`);
  if (count > problems.length) console.log(`  … and ${count - problems.length} more.`);
}

export function verifyJournal(path: string, values: VerifyArguments): number {
  const options: VerifyOptions = {
    anchorFiles: [
      { path: anchorPathFor(path), setAside: false },
      ...mismatchedAnchors(path).map((file) => ({ path: file, setAside: true })),
    ],
    printedAnchors: printedAnchors(values),
    trustedKeys: trustedKeys(values),
  };
  // Read-only: verifying must never change the evidence.
  const journal = openJournalReadOnly(path);
  try {
    const integrity = integrityCheck(journal.db);
    if (integrity[0] !== 'ok') {
      console.log(`Journal ${path}: SQLite integrity check FAILED: ${integrity.slice(0, 5).join('; ')}`);
      return 1;
    }
    let failed = false;
    const audit = verifyAuditChain(createAuditRepository(journal.db));
    if (audit.ok) console.log(`Audit trail: ok (${audit.entries} entries).`);
    else {
      failed = true;
      console.log(`Audit trail: BROKEN (${audit.breaks.length} breaks in ${audit.entries} entries):`);
      for (const item of audit.breaks) console.log(`  - entry ${item.seq}: ${item.reason}`);
    }
    const chain = verifyJournalChain(createChainRepository(journal.db), options);
    const head = chain.head ? `head ${chain.head.seq}:${chain.head.hash.slice(0, 16)}` : 'empty';
    const keys = chain.keys.map(
      (k) => `key ${k.id}${k.vouchedBy.length ? ` (vouched by ${k.vouchedBy.join(', ')})` : ''}`,
    );
    if (chain.ok)
      console.log(
        `Journal chain: ok (${chain.links} links, ${chain.seals} seals, ${chain.rows} rows; ${head}${keys.length ? `; ${keys.join('; ')}` : ''}).`,
      );
    else {
      failed = true;
      console.log(`Journal chain: ${chain.problemCount} PROBLEMS (${chain.links} links, ${head}):`);
      printProblems(chain.problems, chain.problemCount);
    }
    console.log(`Journal ${path}: ${failed ? 'CHECK FAILED' : 'integrity ok; audit trail ok; journal chain ok'}.`);
    return failed ? 1 : 0;
  } finally {
    journal.close();
  }
}

/** Writes the chain, every public key that sealed it and the anchor into one JSON file. */
export function exportChain(path: string, file: string): number {
  const journal = openJournalReadOnly(path);
  try {
    const exported = exportChainJson(createChainRepository(journal.db), anchorPathFor(path));
    writeFileSync(file, exported.json);
    console.log(`Exported ${exported.links} links (head ${exported.head ?? 'none'}) to ${file}.`);
    return 0;
  } finally {
    journal.close();
  }
}

/** Checks an export's links, seals and anchor (not the rows: they stay in the journal). */
export function verifyExport(file: string, values: VerifyArguments): number {
  const document = JSON.parse(readFileSync(file, 'utf8')) as Partial<ChainExport>;
  if (
    document.format !== 'countertop-journal-chain/1' ||
    !Array.isArray(document.links) ||
    !Array.isArray(document.keys)
  )
    throw new Error(`${file} is not a Countertop journal chain export.`);
  const problems: ChainProblem[] = [];
  const walked = verifyLinks(
    document.links,
    document.keys,
    {
      anchors: document.anchor ? [{ anchor: document.anchor, source: `${file} (its anchor)` }] : [],
      printedAnchors: printedAnchors(values),
      trustedKeys: trustedKeys(values),
    },
    (problem) => problems.push(problem),
  );
  if (problems.length === 0) {
    console.log(`Export ${file}: chain ok (${walked.links} links, ${walked.seals} seals).`);
    return 0;
  }
  console.log(`Export ${file}: ${problems.length} PROBLEMS:`);
  printProblems(problems.slice(0, 200), problems.length);
  return 1;
}
