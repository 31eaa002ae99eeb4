/** The desktop key store: the key on disk is the keychain's ciphertext, never the PEM; no keychain, a 0600 file. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fileKeyStore, loadOrCreateSigningKey } from '../../../../src-main/integrity/signing-key';
import { safeStorageKeyStore, type SafeStorageLike } from '../../../../src-main/shell/electron/signing-key-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in keychain: reversible, and visibly not the plain text. */
const keychain = (available: boolean): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (text) => Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ 0x5a)),
  decryptString: (data) => Buffer.from(data.map((b) => b ^ 0x5a)).toString('utf8'),
});

it('keeps the key encrypted by the keychain and reads the same key back', () => {
  const paths = { encrypted: join(dir, 'keys', 'signing.key.enc'), plainFallback: join(dir, 'signing.key') };
  const store = safeStorageKeyStore(keychain(true), paths, () => undefined);
  const first = loadOrCreateSigningKey(store);
  expect(first.created).toBe(true);
  const onDisk = readFileSync(paths.encrypted);
  expect(onDisk.toString('utf8')).not.toContain('PRIVATE KEY');
  expect(statSync(paths.encrypted).mode & 0o777).toBe(0o600);
  const again = loadOrCreateSigningKey(safeStorageKeyStore(keychain(true), paths, () => undefined));
  expect(again).toMatchObject({ created: false, key: { id: first.key.id } });
});

it('falls back to a 0600 file, and says so, when the OS has no keychain', () => {
  const warnings: string[] = [];
  const paths = { encrypted: join(dir, 'signing.key.enc'), plainFallback: join(dir, 'signing.key') };
  loadOrCreateSigningKey(safeStorageKeyStore(keychain(false), paths, (m) => warnings.push(m)));
  expect(warnings[0]).toContain(paths.plainFallback);
  expect(statSync(paths.plainFallback).mode & 0o777).toBe(0o600);
});

it("moves a plain key file (the headless host's) into the keychain and removes the plain copy", () => {
  const paths = { encrypted: join(dir, 'signing.key.enc'), plainFallback: join(dir, 'signing.key') };
  const host = loadOrCreateSigningKey(fileKeyStore(paths.plainFallback));
  const warnings: string[] = [];
  const desktop = loadOrCreateSigningKey(safeStorageKeyStore(keychain(true), paths, (m) => warnings.push(m)));
  expect(desktop).toMatchObject({ created: false, key: { id: host.key.id } });
  expect(existsSync(paths.plainFallback)).toBe(false);
  expect(readFileSync(paths.encrypted).toString('utf8')).not.toContain('PRIVATE KEY');
  expect(warnings[0]).toContain('now kept encrypted');
});

it('says the key is only obfuscated when Linux runs no keyring (basic_text)', () => {
  const warnings: string[] = [];
  const paths = { encrypted: join(dir, 'signing.key.enc'), plainFallback: join(dir, 'signing.key') };
  const store = safeStorageKeyStore({ ...keychain(true), getSelectedStorageBackend: () => 'basic_text' }, paths, (m) =>
    warnings.push(m),
  );
  expect(store.protection).toBe('obfuscated');
  expect(warnings[0]).toContain('only obfuscated');
  expect(
    safeStorageKeyStore(
      { ...keychain(true), getSelectedStorageBackend: () => 'gnome_libsecret' },
      paths,
      () => undefined,
    ).protection,
  ).toBe('keychain');
});
