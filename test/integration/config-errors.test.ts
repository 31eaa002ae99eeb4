import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src-main/config/load-config';
import { resolveConfig } from '../../src-main/config/demo-config';
import { HOST_ENTRY } from '../support/host-process';

const dir = mkdtempSync(join(tmpdir(), 'ct-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

const valid = { store: { name: 'Corner Shop', currency: 'CAD' }, dataDir: './data' };

describe('config validation', () => {
  it.each([
    ['an unsupported currency', { ...valid, store: { name: 'X', currency: 'XYZ' } }, 'store.currency'],
    ['a missing store name', { ...valid, store: { currency: 'CAD' } }, 'store.name'],
    ['a misspelled key', { ...valid, datadir: './x' }, '(top level)'],
    [
      'a tax rate over 100 %',
      { ...valid, taxes: [{ code: 'GST', label: 'GST', ratePercent: 500 }] },
      'taxes.0.ratePercent',
    ],
    [
      'a CodePay terminal without ws://',
      { ...valid, providers: { codepay: { appId: 'a', terminals: [{ name: 'Lane 1', url: 'http://10.0.0.2' }] } } },
      'providers.codepay.terminals.0.url',
    ],
    [
      'an IOTPay provider in a store currency it does not take',
      {
        ...valid,
        store: { name: 'X', currency: 'KWD' },
        providers: { iotpay: { mchId: '1', loginName: 'l', key: 'k' } },
      },
      'store.currency',
    ],
    [
      'a YabandPay currency it does not take',
      {
        ...valid,
        providers: { yabandpay: { user: 'u', secretKey: 'k', notifyUrl: 'https://x.example/n', currency: 'CAD' } },
      },
      'providers.yabandpay.currency',
    ],
  ])('names the field for %s', (_what, config, field) => {
    const path = configFile(`bad-${field}.json`, JSON.stringify(config));
    let error: unknown;
    try {
      resolveConfig(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(field === '(top level)' ? 'datadir' : field);
  });

  it('IOTPay is refused for a store currency outside CAD/USD, and accepted in USD', () => {
    const iotpay = { mchId: '1', loginName: 'l', key: 'k' };
    let error: unknown;
    try {
      resolveConfig(
        configFile(
          'iotpay-eur.json',
          JSON.stringify({ ...valid, store: { name: 'X', currency: 'EUR' }, providers: { iotpay } }),
        ),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('store.currency');
    expect((error as ConfigError).message).toMatch(/providers\.iotpay.*CAD or USD.*EUR/);
    const usd = resolveConfig(
      configFile(
        'iotpay-usd.json',
        JSON.stringify({ ...valid, store: { name: 'X', currency: 'USD' }, providers: { iotpay } }),
      ),
    );
    expect(usd.providers.iotpay?.mchId).toBe('1');
    // Without IOTPay any supported currency stays fine.
    expect(
      resolveConfig(configFile('kwd.json', JSON.stringify({ ...valid, store: { name: 'X', currency: 'KWD' } }))).store
        .currency,
    ).toBe('KWD');
  });

  it('reads a valid file and resolves dataDir next to it', () => {
    const config = resolveConfig(configFile('good.json', JSON.stringify(valid)));
    expect(config.dataDir).toBe(join(dir, 'data'));
    expect(config.store.cashRoundingStep).toBe(1);
    expect(config.demo).toBe(false);
  });

  it('the host refuses to start on a malformed config, says why, and exits 2', () => {
    const broken = configFile('broken.json', '{ "store": { "name": "X", "currency": "CAD" }, "dataDir": ');
    const bad = configFile(
      'bad-field.json',
      JSON.stringify({ ...valid, store: { name: 'X', currency: 'CAD', cashRoundingStep: 0 } }),
    );
    for (const [path, expected] of [
      [broken, 'not valid JSON'],
      [bad, 'store.cashRoundingStep'],
    ] as const) {
      const run = spawnSync(process.execPath, [HOST_ENTRY, '--config', path, '--port', '0'], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(expected);
      expect(run.stderr).toContain('did not start');
    }
  });
});
