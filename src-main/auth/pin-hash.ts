/**
 * PIN hashing with scrypt and a per-user random salt. The stored string carries its
 * own parameters so they can be raised later without breaking old hashes:
 * `scrypt$N$r$p$saltHex$hashHex`. A right PIN under older parameters is re-hashed
 * with the current ones (`needsRehash`).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * N = 2^15 (32 MiB), twice the old 2^14: the highest cost at which a whole login stays
 * under 300 ms at p95 on this shared 2-core till (issue 12; bench/login.ts). 2^16 took
 * ~250 ms per verify alone and over 500 ms at p95 when the machine was busy.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 32_768, r: 8, p: 1 };
const KEY_LENGTH = 32;
/** Stored parameters above this are refused rather than hashed (2^20 × r 8 = 1 GiB). */
const MAX_COST = 2 ** 20;

function derive(pin: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; twice that leaves Node's own bookkeeping room.
  const maxmem = 2 * 128 * params.N * params.r;
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, KEY_LENGTH, { N: params.N, r: params.r, p: params.p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPin(pin: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(pin, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('hex'), key.toString('hex')].join('$');
}

function parse(stored: string): (ScryptParams & { salt: Buffer; key: Buffer }) | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, r, p, saltHex, keyHex] = parts;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const sane =
    Number.isInteger(params.N) &&
    params.N > 1 &&
    params.N <= MAX_COST &&
    (params.N & (params.N - 1)) === 0 &&
    Number.isInteger(params.r) &&
    params.r >= 1 &&
    params.r <= 32 &&
    Number.isInteger(params.p) &&
    params.p >= 1 &&
    params.p <= 4;
  return sane ? { ...params, salt: Buffer.from(saltHex, 'hex'), key: Buffer.from(keyHex, 'hex') } : null;
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(pin, parsed.salt, parsed);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when the stored hash was made with other parameters than `params` (re-hash it after a right PIN). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.N !== params.N || parsed.r !== params.r || parsed.p !== params.p;
}
