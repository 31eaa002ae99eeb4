/**
 * The desktop till's journal signing key, encrypted with the operating system's keychain
 * (Electron safeStorage: DPAPI on Windows, Keychain on macOS, the Secret Service on Linux) in a
 * 0600 file in the data folder. Where the OS offers no encryption at all, the key falls back to a
 * plain 0600 file; where Linux runs no keyring, safeStorage only obfuscates (DESIGN §11). Either
 * way the till says so at start and on the Devices screen.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileKeyStore, type KeyStore } from '../../integrity/signing-key';

/** The part of Electron's safeStorage this store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only: 'basic_text' when no keyring runs (the key is then only obfuscated). */
  getSelectedStorageBackend?(): string;
  encryptString(text: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export function safeStorageKeyStore(
  safeStorage: SafeStorageLike,
  paths: { encrypted: string; plainFallback: string },
  warn: (message: string) => void,
): KeyStore {
  if (!safeStorage.isEncryptionAvailable()) {
    warn(
      `The system keychain is not available: the journal signing key is kept in ${paths.plainFallback} (readable by this user only).`,
    );
    return fileKeyStore(paths.plainFallback);
  }
  // On Linux with no keyring running, Electron "encrypts" with a fixed key: obfuscation, said as such.
  const obfuscated = safeStorage.getSelectedStorageBackend?.() === 'basic_text';
  if (obfuscated)
    warn(
      `No system keyring is running: the journal signing key in ${paths.encrypted} is only obfuscated, not encrypted. Start GNOME Keyring or KWallet to protect it.`,
    );
  const store: KeyStore = {
    where: obfuscated
      ? `${paths.encrypted} (only obfuscated: no keyring)`
      : `${paths.encrypted} (encrypted by the system keychain)`,
    protection: obfuscated ? 'obfuscated' : 'keychain',
    load() {
      if (existsSync(paths.encrypted)) return safeStorage.decryptString(readFileSync(paths.encrypted));
      // A data folder the headless host (or a keychain-less start) used: its key moves into the keychain.
      if (!existsSync(paths.plainFallback)) return null;
      const pem = readFileSync(paths.plainFallback, 'utf8');
      store.save(pem);
      rmSync(paths.plainFallback);
      warn(`The journal signing key in ${paths.plainFallback} is now kept encrypted by the system keychain.`);
      return pem;
    },
    save(pem) {
      mkdirSync(dirname(paths.encrypted), { recursive: true, mode: 0o700 });
      const temporary = `${paths.encrypted}.${process.pid}.tmp`;
      writeFileSync(temporary, safeStorage.encryptString(pem), { mode: 0o600 });
      renameSync(temporary, paths.encrypted);
    },
  };
  return store;
}
