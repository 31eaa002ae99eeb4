import { describe, expect, it } from 'vitest';
import { hashPin, verifyPin } from '../../../../src-main/auth/pin-hash';

const FAST = { N: 1024, r: 8, p: 1 };

describe('PIN hashing', () => {
  it('salts every hash and verifies only the right PIN', async () => {
    const a = await hashPin('1234', FAST);
    const b = await hashPin('1234', FAST);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(await verifyPin('1234', a)).toBe(true);
    expect(await verifyPin('1235', a)).toBe(false);
    expect(await verifyPin('1234', 'sha1$whatever')).toBe(false);
  });

  it('uses scrypt with the production cost by default', async () => {
    expect(await hashPin('987654')).toMatch(/^scrypt\$32768\$8\$1\$/);
  });
});
