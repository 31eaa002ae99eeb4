/**
 * How links are hashed and anchors are kept: the one definition both the till (which writes
 * links) and `verify` (which checks them, here or on an auditor's machine) use.
 */
import { hash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ChainLink } from '../journal/chain-repository';

export const GENESIS = '0'.repeat(64);

// One-shot hashing: no Hash object per link (links are made on every commit).
const sha256 = (text: string) => hash('sha256', text, 'hex');

/** A row's state: its table, key and canonical form ('' once deleted). */
export function rowHash(table: string, key: string, canonical: string): string {
  return sha256(`${table}\n${key}\n${canonical}`);
}

/** A link's hash covers every field but the signature, and the previous link's hash. */
export function linkHash(link: Omit<ChainLink, 'hash' | 'sig'>): string {
  return sha256(JSON.stringify([link.seq, link.at, link.tbl, link.row_key, link.op, link.row_hash, link.prev_hash]));
}

/** A seal's `row_hash`: the links it vouches for, `from:target`; it signs the target link's hash. */
export function sealRange(seal: Pick<ChainLink, 'row_hash'>): { from: number; target: number } | null {
  const match = /^(\d+):(\d+)$/.exec(seal.row_hash);
  return match ? { from: Number(match[1]), target: Number(match[2]) } : null;
}

/**
 * The chain's head as last sealed, kept beside the journal (and printed on every Z report), so
 * removing links from the end of the chain, or the whole chain, shows.
 */
export interface ChainAnchor {
  seq: number;
  hash: string;
  sig: string;
  keyId: string;
  publicKey: string;
  at: string;
}

/** The anchor file beside a journal. */
export const anchorPathFor = (journalPath: string) => join(dirname(journalPath), 'journal-anchor.json');

const MISMATCH = /^journal-anchor\.mismatch-.*\.json$/;

export function readAnchor(path: string): ChainAnchor | 'unreadable' | null {
  if (!existsSync(path)) return null;
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<ChainAnchor>;
    if (
      !Number.isSafeInteger(value.seq) ||
      typeof value.hash !== 'string' ||
      typeof value.sig !== 'string' ||
      typeof value.keyId !== 'string' ||
      typeof value.publicKey !== 'string' ||
      typeof value.at !== 'string'
    )
      return 'unreadable';
    return value as ChainAnchor;
  } catch {
    return 'unreadable';
  }
}

/** Written whole or not at all (temporary file, then rename), readable by the till's user only. */
export function writeAnchor(path: string, anchor: ChainAnchor): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(anchor, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** Keeps an anchor that does not match the chain as evidence, beside the journal; returns its new path. */
export function keepMismatchedAnchor(path: string, at: string): string {
  const kept = join(dirname(path), `journal-anchor.mismatch-${at.replace(/[:.]/g, '-')}.json`);
  renameSync(path, kept);
  return kept;
}

/** Anchors the till set aside because they did not match the chain it found. */
export function mismatchedAnchors(journalPath: string): string[] {
  const folder = dirname(journalPath);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => MISMATCH.test(name))
    .map((name) => join(folder, basename(name)));
}

/** What a Z report prints, and what `verify --anchor` takes back: `seq:first 16 hex digits`. */
export const anchorText = (anchor: { seq: number; hash: string }) => `${anchor.seq}:${anchor.hash.slice(0, 16)}`;
