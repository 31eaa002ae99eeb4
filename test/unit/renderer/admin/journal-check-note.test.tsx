/**
 * The Devices screen shows the journal's background integrity check (issue 14): an alert naming
 * what SQLite found when the journal is damaged, a plain line otherwise.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import type { AppInfo } from '../../../../src-shared/domain';
import { JournalCheckNote } from '../../../../src-renderer/admin/journal-check-note';
import { createClient } from '../../../../src-renderer/api/client';
import { StoresContext } from '../../../../src-renderer/common/use-stores';
import { createAppStores } from '../../../../src-renderer/shell/app-stores';
import { fakeTransport } from '../fake-transport';

function render(journalCheck: AppInfo['journalCheck']): string {
  const stores = createAppStores(createClient(fakeTransport()));
  (stores.appInfo as { getInitialState(): unknown }).getInitialState = stores.appInfo.getState;
  stores.appInfo.setState({ info: { journalCheck, store: { locale: 'en-CA' } } as AppInfo });
  return renderToStaticMarkup(
    <StoresContext.Provider value={stores}>
      <JournalCheckNote />
    </StoresContext.Provider>,
  );
}

it('alerts with what SQLite found when the journal is damaged', () => {
  const html = render({
    state: 'failed',
    problems: ['Tree 42 page 1234: btreeInitPage() returns error code 11'],
    at: '2026-12-06T15:00:00.000Z',
    seconds: 31.7,
  });
  expect(html).toContain('role="alert"');
  expect(html).toContain('The journal file is damaged');
  expect(html).toContain('Tree 42 page 1234: btreeInitPage() returns error code 11');
  expect(html).toContain('takes no new sales or payments');
});

it('says the journal is sound, being checked, or could not be checked, without an alert', () => {
  const ok = render({ state: 'ok', at: '2026-12-06T15:00:00.000Z', seconds: 0.4 });
  expect(ok).toContain('checked and is sound');
  expect(ok).not.toContain('role="alert"');
  expect(render({ state: 'running', at: '2026-12-06T15:00:00.000Z' })).toContain('being checked in the background');
  expect(render({ state: 'unavailable', note: 'the worker is missing' })).toContain(
    'could not be checked: the worker is missing',
  );
  expect(render(undefined)).toBe('');
});
