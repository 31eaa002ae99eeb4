/**
 * The Devices screen says where the journal's signing key is kept, and warns when the computer
 * only obfuscates it (Linux with no keyring: DESIGN §11).
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import type { AppInfo } from '../../../../src-shared/domain';
import { JournalKeyNote } from '../../../../src-renderer/admin/devices-screen';
import { createClient } from '../../../../src-renderer/api/client';
import { StoresContext } from '../../../../src-renderer/common/use-stores';
import { createAppStores } from '../../../../src-renderer/shell/app-stores';
import { fakeTransport } from '../fake-transport';

function render(journalKey: AppInfo['journalKey']): string {
  const stores = createAppStores(createClient(fakeTransport()));
  (stores.appInfo as { getInitialState(): unknown }).getInitialState = stores.appInfo.getState;
  stores.appInfo.setState({ info: { journalKey } as AppInfo });
  return renderToStaticMarkup(
    <StoresContext.Provider value={stores}>
      <JournalKeyNote />
    </StoresContext.Provider>,
  );
}

it('warns, as an alert, when the key is only obfuscated', () => {
  const html = render({ protection: 'obfuscated', where: '/home/till/data/signing.key.enc' });
  expect(html).toContain('role="alert"');
  expect(html).toContain('only obfuscated on this computer');
  expect(html).toContain('/home/till/data/signing.key.enc');
});

it('says where the key is when it is protected', () => {
  expect(render({ protection: 'keychain', where: 'C:\\data\\signing.key.enc' })).toContain(
    'encrypted by the system keychain',
  );
  const file = render({ protection: 'file', where: '/srv/till/signing.key' });
  expect(file).toContain('readable by this user only: /srv/till/signing.key');
  expect(file).not.toContain('role="alert"');
});
