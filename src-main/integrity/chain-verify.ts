/**
 * Checks a journal against its chain and anchors, read-only, and names every problem it finds
 * (it keeps going after the first): links that are missing, altered or out of order; seals whose
 * signature does not verify or whose key nobody outside the journal vouches for; links no seal
 * vouches for; a chain shorter than an anchor (the anchor file, one set aside at start, or the one
 * printed on a Z report); and chained rows changed, added or deleted behind the till's back.
 */
import { CHAINED_TABLES, type ChainLink, type ChainRepository } from '../journal/chain-repository';
import { linkHash, readAnchor, sealRange, type ChainAnchor } from './chain-hash';
import { rowDifferences } from './chain-rows';
import { keyIdOf, verifySignature } from './signing-key';

export interface ChainProblem {
  /** The link at fault, when there is one. */
  seq?: number;
  /** The chained table and row key at fault, when a row is. */
  table?: string;
  key?: string;
  text: string;
}

export interface ChainVerdict {
  ok: boolean;
  links: number;
  seals: number;
  rows: number;
  head: { seq: number; hash: string } | null;
  /** The first problems found (at most `maxProblems`), in the order found. */
  problems: ChainProblem[];
  problemCount: number;
  /** Keys that signed seals, and who vouches for each outside the journal. */
  keys: { id: string; vouchedBy: string[] }[];
}

export interface VerifyOptions {
  /** The anchor file beside the journal, and any the till set aside as not matching. */
  anchorFiles?: { path: string; setAside: boolean }[];
  /** Anchors carried some other way (an export file's), with where they came from. */
  anchors?: { anchor: ChainAnchor; source: string }[];
  /** Anchors read off printed Z reports: `seq` and the start of the hash. */
  printedAnchors?: { seq: number; hashPrefix: string }[];
  /** Public keys (PEM) the auditor trusts, e.g. from an export or the till's key file. */
  trustedKeys?: { pem: string; source: string }[];
  maxProblems?: number;
}

/** Links and anchors only: what an export (no rows) can be checked for. */
export function verifyLinks(
  links: Iterable<ChainLink>,
  journalKeys: { id: string; public_key: string }[],
  options: VerifyOptions,
  report: (problem: ChainProblem) => void,
): {
  links: number;
  seals: number;
  head: { seq: number; hash: string } | null;
  byKey: Map<string, string[]>;
  hashes: (seq: number) => string | undefined;
} {
  const keys = new Map(journalKeys.map((k) => [k.id, k.public_key]));
  const vouched = new Map<string, string[]>();
  const vouch = (id: string, by: string) => vouched.set(id, [...(vouched.get(id) ?? []), by]);
  for (const trusted of options.trustedKeys ?? []) {
    const id = keyIdOf(trusted.pem);
    vouch(id, trusted.source);
    if (!keys.has(id)) keys.set(id, trusted.pem);
  }
  const anchors: { anchor: ChainAnchor; path: string; setAside: boolean }[] = [];
  const sources = [
    ...(options.anchorFiles ?? []).map((file) => ({ ...file, anchor: readAnchor(file.path) })),
    ...(options.anchors ?? []).map((given) => ({ path: given.source, setAside: false, anchor: given.anchor })),
  ];
  for (const file of sources) {
    const anchor = file.anchor;
    if (anchor === null) continue;
    if (anchor === 'unreadable') {
      report({ text: `The anchor file ${file.path} cannot be read.` });
      continue;
    }
    if (!verifySignature(anchor.publicKey, anchor.hash, anchor.sig) || keyIdOf(anchor.publicKey) !== anchor.keyId) {
      report({ text: `The anchor file ${file.path} is not signed by the key it names.` });
      continue;
    }
    anchors.push({ anchor, path: file.path, setAside: file.setAside });
    if (file.setAside)
      report({
        seq: anchor.seq,
        text: `At a start the till found its anchor did not match the chain; that anchor (link ${anchor.seq}, written ${anchor.at}) is kept in ${file.path}.`,
      });
    else vouch(anchor.keyId, file.path);
    if (!keys.has(anchor.keyId)) keys.set(anchor.keyId, anchor.publicKey);
  }

  // Only what anchors need is remembered: the hash of each link an anchor names.
  const wanted = new Set<number>([
    ...anchors.map((a) => a.anchor.seq),
    ...(options.printedAnchors ?? []).map((a) => a.seq),
  ]);
  const remembered = new Map<number, string>();
  let expected = 1;
  let previousHash: string | null = null;
  let count = 0;
  let seals = 0;
  /** Hashes of the links since the newest valid seal's target (what the next seal may sign). */
  const recent = new Map<number, string>();
  /** Links other than seals that no valid seal has vouched for yet. */
  let uncovered: number[] = [];
  let head: { seq: number; hash: string } | null = null;
  const signers = new Set<string>();
  for (const link of links) {
    count += 1;
    if (link.seq !== expected) {
      report({
        seq: expected,
        text:
          link.seq > expected
            ? `Links ${expected}–${link.seq - 1} are missing from the chain.`
            : `Link ${link.seq} is out of order.`,
      });
    } else if (previousHash !== null && link.prev_hash !== previousHash) {
      report({ seq: link.seq, text: `Link ${link.seq} does not follow link ${link.seq - 1}.` });
    } else if (previousHash === null && link.seq === 1 && link.prev_hash !== '0'.repeat(64)) {
      report({ seq: 1, text: 'Link 1 does not start the chain.' });
    }
    const intact = linkHash(link) === link.hash;
    if (!intact)
      report({ seq: link.seq, text: `Link ${link.seq} (${describe(link)}) was altered after it was written.` });
    recent.set(link.seq, link.hash);
    if (link.op !== 'S') uncovered.push(link.seq);
    else {
      seals += 1;
      const range = sealRange(link);
      const targetHash = range ? recent.get(range.target) : undefined;
      const publicKey = keys.get(link.row_key);
      if (!range || targetHash === undefined)
        report({ seq: link.seq, text: `Seal ${link.seq} does not name a link of this chain that it signs.` });
      else if (!publicKey)
        report({
          seq: link.seq,
          text: `Seal ${link.seq} is signed by key ${link.row_key}, which the journal does not list.`,
        });
      else if (!link.sig || !verifySignature(publicKey, targetHash, link.sig))
        report({
          seq: link.seq,
          text: `Seal ${link.seq}'s signature does not verify: the chain before it was rewritten.`,
        });
      else if (intact) {
        signers.add(link.row_key);
        // Links written before this seal's range that no seal vouched for: not the till's own.
        const skipped = uncovered.filter((seq) => seq < range.from);
        if (skipped.length > 0)
          report({
            seq: skipped[0],
            text: `Links ${skipped[0]}–${skipped[skipped.length - 1]} were not sealed by the till that wrote them (added outside the till, or written just before it stopped).`,
          });
        uncovered = uncovered.filter((seq) => seq > range.target);
        for (const seq of recent.keys()) if (seq < range.target) recent.delete(seq);
      }
    }
    if (wanted.has(link.seq)) remembered.set(link.seq, link.hash);
    previousHash = link.hash;
    expected = Math.max(expected, link.seq) + 1;
    head = { seq: link.seq, hash: link.hash };
  }
  if (uncovered.length > 0)
    report({
      seq: uncovered[0],
      text: `Links ${uncovered[0]}–${uncovered[uncovered.length - 1]} are not sealed yet (the till stopped before sealing them, or they were added outside it).`,
    });

  for (const { anchor, path } of anchors) {
    const hash = remembered.get(anchor.seq);
    if (hash === undefined)
      report({
        seq: anchor.seq,
        text: `The chain ends at link ${head?.seq ?? 0}, but the anchor ${path} (written ${anchor.at}) records link ${anchor.seq}: links were removed.`,
      });
    else if (hash !== anchor.hash)
      report({
        seq: anchor.seq,
        text: `Link ${anchor.seq} is not the one the anchor ${path} records: the chain was rewritten.`,
      });
  }
  for (const printed of options.printedAnchors ?? []) {
    const hash = remembered.get(printed.seq);
    if (hash === undefined)
      report({
        seq: printed.seq,
        text: `The chain ends at link ${head?.seq ?? 0}, but the Z report's anchor records link ${printed.seq}: links were removed.`,
      });
    else if (!hash.startsWith(printed.hashPrefix.toLowerCase()))
      report({
        seq: printed.seq,
        text: `Link ${printed.seq} is not the one the Z report's anchor records: the chain was rewritten.`,
      });
  }
  if (sources.every((f) => f.anchor === null) && head)
    report({
      text: 'There is no anchor file beside the journal: the end of the chain cannot be checked (give a Z report anchor with --anchor).',
    });

  const byKey = new Map<string, string[]>();
  for (const id of signers) {
    const by = vouched.get(id) ?? [];
    byKey.set(id, by);
    if (by.length === 0 && (sources.length || options.trustedKeys?.length))
      report({ text: `Key ${id} signed seals, but neither the anchor file nor a trusted public key vouches for it.` });
  }
  return { links: count, seals, head, byKey, hashes: (seq) => remembered.get(seq) };
}

function describe(link: ChainLink): string {
  return link.op === 'S' ? 'a seal' : `${link.tbl} ${link.row_key}`;
}

const WORDS = {
  changed: 'was changed outside the till',
  added: 'was added outside the till',
  deleted: 'was deleted outside the till',
} as const;

export function verifyJournalChain(chain: ChainRepository, options: VerifyOptions = {}): ChainVerdict {
  const max = options.maxProblems ?? 200;
  const problems: ChainProblem[] = [];
  let problemCount = 0;
  const report = (problem: ChainProblem) => {
    problemCount += 1;
    if (problems.length < max) problems.push(problem);
  };
  if (!chain.exists()) {
    report({
      text: 'This journal has no chain (it is from a version before the chain, or the chain table was dropped).',
    });
    return { ok: false, links: 0, seals: 0, rows: 0, head: null, problems, problemCount, keys: [] };
  }
  const walked = verifyLinks(chain.links(), chain.keys(), options, report);
  let rows = 0;
  const { missing } = chain.tables();
  for (const table of missing) report({ table, text: `The table ${table} is missing from the journal.` });
  try {
    for (const table of CHAINED_TABLES) {
      if (missing.includes(table)) continue;
      for (const difference of rowDifferences(chain, table, (n) => (rows += n))) {
        const link = difference.seq === null ? '' : ` (last recorded in link ${difference.seq})`;
        report({
          table,
          key: difference.key,
          ...(difference.seq !== null ? { seq: difference.seq } : {}),
          text: `${table} ${difference.key} ${WORDS[difference.kind]}${link}.`,
        });
      }
    }
  } finally {
    chain.forgetLatest();
  }
  return {
    ok: problemCount === 0,
    links: walked.links,
    seals: walked.seals,
    rows,
    head: walked.head,
    problems,
    problemCount,
    keys: [...walked.byKey].map(([id, vouchedBy]) => ({ id, vouchedBy })),
  };
}

/** What an export file holds: every link, every public key that sealed them, and the anchor. */
export interface ChainExport {
  format: 'countertop-journal-chain/1';
  links: ChainLink[];
  keys: { id: string; public_key: string }[];
  anchor: ChainAnchor | null;
}

/** The chain as one JSON document, for an auditor (checked by `npm run journal -- verify --export FILE`). */
export function exportChainJson(
  chain: ChainRepository,
  anchorPath: string,
  /** The till's newest seal, when it is running (the anchor file is written a moment after each seal). */
  latest: ChainAnchor | null = null,
): { json: string; links: number; head: string | null } {
  const links = [...chain.links()];
  const anchor = latest ?? readAnchor(anchorPath);
  const document: ChainExport = {
    format: 'countertop-journal-chain/1',
    links,
    keys: chain.keys(),
    anchor: anchor === 'unreadable' ? null : anchor,
  };
  const last = links[links.length - 1];
  return {
    json: JSON.stringify(document),
    links: links.length,
    head: last ? `${last.seq}:${last.hash.slice(0, 16)}` : null,
  };
}
