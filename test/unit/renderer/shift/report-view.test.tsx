/** The report screen says when a Z report's figures were recomputed because the running totals disagreed (issue 14). */
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { TOTALS_RECOMPUTED, type Report } from '../../../../src-shared/report';
import { ReportView } from '../../../../src-renderer/shift/report-view';
import { createClient } from '../../../../src-renderer/api/client';
import { StoresContext } from '../../../../src-renderer/common/use-stores';
import { createAppStores } from '../../../../src-renderer/shell/app-stores';
import { fullReport } from '../../shared/report-fixture';
import { fakeTransport } from '../fake-transport';

function render(report: Report): string {
  const stores = createAppStores(createClient(fakeTransport()));
  return renderToStaticMarkup(
    <StoresContext.Provider value={stores}>
      <ReportView report={report} />
    </StoresContext.Provider>,
  );
}

it('alerts that the figures were recomputed when the running totals disagreed, and says nothing otherwise', () => {
  const recomputed = render(fullReport({ totalsRecomputed: true }));
  expect(recomputed).toContain('role="alert"');
  expect(recomputed).toContain(TOTALS_RECOMPUTED);
  const usual = render(fullReport());
  expect(usual).not.toContain(TOTALS_RECOMPUTED);
  expect(usual).not.toContain('role="alert"');
});
