/**
 * The till's Ed25519 signing key, kept outside the journal: the headless host keeps it in a 0600
 * file, the desktop app encrypted with the OS keychain (Electron safeStorage, see
 * shell/electron/signing-key-store.ts). The journal keeps only public keys, so whoever can edit
 * the journal file still cannot sign a link.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** How well the key is kept: encrypted by the OS keychain, only obfuscated (Linux with no keyring), or a 0600 file. */
export type KeyProtection = 'keychain' | 'obfuscated' | 'file';

/** Where a till keeps its private key (PKCS#8 PEM). */
export interface KeyStore {
  /** Said in messages: the file, or "the system keychain". */
  where: string;
  protection: KeyProtection;
  load(): string | null;
  save(pkcs8Pem: string): void;
}

export interface SigningKey {
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER): printed on Z reports. */
  id: string;
  publicKeyPem: string;
  /** Base64 Ed25519 signature of the text's UTF-8 bytes. */
  sign(text: string): string;
  /** The same, computed on libuv's thread pool (off the till's main thread). */
  signAsync(text: string): Promise<string>;
}

export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

export function verifySignature(publicKeyPem: string, text: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), publicKeyPem, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A key file readable by its owner only, in a folder only its owner can enter. */
export function fileKeyStore(path: string): KeyStore {
  return {
    where: path,
    protection: 'file',
    load: () => (existsSync(path) ? readFileSync(path, 'utf8') : null),
    save(pem) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, pem, { mode: 0o600 });
      chmodSync(temporary, 0o600);
      renameSync(temporary, path);
    },
  };
}

/** The store's key, or a new one saved there (`created` says which). */
export function loadOrCreateSigningKey(store: KeyStore): { key: SigningKey; created: boolean } {
  let pem = store.load();
  let created = false;
  if (!pem) {
    pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    store.save(pem);
    created = true;
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(
      `The journal signing key in ${store.where} cannot be read. Restore it from a backup, or move it away to start a new key (the journal will record the change).`,
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`The journal signing key in ${store.where} is not an Ed25519 key.`);
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string;
  return {
    key: {
      id: keyIdOf(publicKeyPem),
      publicKeyPem,
      sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64'),
      signAsync: (text) =>
        new Promise((resolve, reject) =>
          sign(null, Buffer.from(text, 'utf8'), privateKey, (error, signature) =>
            error ? reject(error) : resolve(signature.toString('base64')),
          ),
        ),
    },
    created,
  };
}
