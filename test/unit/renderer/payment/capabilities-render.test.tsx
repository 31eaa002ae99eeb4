/**
 * What a tender, a payment and a waiting payment offer follows its provider's capabilities
 * (from `pos:app.info`), never its id: rendered to static markup as the ledger dialogs are.
 */
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AppInfo, ProviderCapabilities } from '../../../../src-shared/domain';
import { ManagerScreen } from '../../../../src-renderer/admin/manager-screen';
import { createClient } from '../../../../src-renderer/api/client';
import { OrderPayments } from '../../../../src-renderer/payment/order-payments';
import { capabilitiesOf } from '../../../../src-renderer/payment/provider-capabilities';
import { TenderScreen } from '../../../../src-renderer/payment/tender-screen';
import { VirtualTerminalPanel } from '../../../../src-renderer/payment/virtual-terminal';
import { createAppStores, type AppStores } from '../../../../src-renderer/shell/app-stores';
import { StoresContext } from '../../../../src-renderer/common/use-stores';
import { CAPABILITY_SETS } from '../../../support/scripted-provider';
import { fakeTransport } from '../fake-transport';
import { attempt, line, order } from '../fixtures';

type Tender = AppInfo['tenders'][number];

const NOTHING: ProviderCapabilities = { ...CAPABILITY_SETS.iotpayPax };
const tender = (provider: string, label: string, capabilities: ProviderCapabilities): Tender => ({
  provider,
  label,
  method: 'card',
  terminal: null,
  capabilities,
});

function info(tenders: Tender[]): AppInfo {
  return {
    version: '0.1.0',
    demo: true,
    store: { name: 'Demo Grocer', address: [], taxId: '', currency: 'CAD', locale: 'en-CA' },
    demoPins: [],
    quickCash: [],
    cashRoundingStep: 5,
    discountLimitBasisPoints: 1000,
    varianceLimit: 500,
    autoPrint: false,
    journalKey: { protection: 'file', where: '/data/signing.key' },
    tenders,
  };
}

/** Server rendering reads each store's initial state: here it reads the state the test set. */
function stores(tenders: Tender[]): AppStores {
  const built = createAppStores(createClient(fakeTransport()));
  for (const store of [built.appInfo, built.cart, built.payment, built.demo, built.paymentAdmin, built.nav] as const) {
    (store as { getInitialState(): unknown }).getInitialState = store.getState;
  }
  built.appInfo.setState({ info: info(tenders) });
  return built;
}

const html = (with_: AppStores, node: ReactNode): string =>
  renderToStaticMarkup(<StoresContext.Provider value={with_}>{node}</StoresContext.Provider>);

describe('capabilitiesOf', () => {
  it("reads a provider's capabilities from its tender; null when the station does not offer it", () => {
    const tenders = [tender('codepay', 'Card', CAPABILITY_SETS.codepay)];
    expect(capabilitiesOf(tenders, 'codepay')).toEqual(CAPABILITY_SETS.codepay);
    expect(capabilitiesOf(tenders, 'gone')).toBeNull();
    expect(capabilitiesOf(null, 'codepay')).toBeNull();
  });
});

describe('tender screen', () => {
  function tenderScreen(tenders: Tender[]): string {
    const built = stores(tenders);
    built.cart.setState({ order: order({ id: 'O2', number: 8, lines: [line()], total: 349, due: 349, cashDue: 350 }) });
    return html(built, <TenderScreen />);
  }

  it('no tender with an on-screen tip or cash back: neither is offered', () => {
    const markup = tenderScreen([
      tender('iotpay-pax', 'Card (IOTPay terminal)', CAPABILITY_SETS.iotpayPax),
      tender('yabandpay', 'Card (YabandPay)', CAPABILITY_SETS.yabandpay),
    ]);
    expect(markup).toContain('Card (IOTPay terminal)');
    expect(markup).not.toContain('Customer adds tip on terminal');
    expect(markup).not.toContain('name="cashback"');
    expect(markup).not.toContain('terminal-extras');
  });

  it('any provider id with the capabilities gets them, each on its own', () => {
    const tipOnly = tenderScreen([tender('acme', 'Card (Acme)', { ...NOTHING, onScreenTip: true })]);
    expect(tipOnly).toContain('Customer adds tip on terminal');
    expect(tipOnly).not.toContain('name="cashback"');
    const cashbackOnly = tenderScreen([tender('acme', 'Card (Acme)', { ...NOTHING, cashback: true })]);
    expect(cashbackOnly).not.toContain('Customer adds tip on terminal');
    expect(cashbackOnly).toMatch(/<label>Cash back<input [^>]*name="cashback"/);
  });
});

describe("a sale's card payments", () => {
  const approved = (id: string, provider: string) =>
    attempt({ id, provider, terminal: null, state: 'approved', amount: 1000, refundable: 1000 });

  function payments(tenders: Tender[], provider: string): string {
    const sale = order({ id: 'O1', status: 'completed', attempts: [approved('A1', provider)] });
    return html(stores(tenders), <OrderPayments order={sale} />);
  }

  it('void and refund are offered where the provider can do them from the till', () => {
    const markup = payments([tender('codepay', 'Card (CodePay terminal)', CAPABILITY_SETS.codepay)], 'codepay');
    expect(markup).toContain('>Void payment</button>');
    expect(markup).toContain('>Refund payment…</button>');
  });

  it("a provider that cannot: neither (the sale's Refund… takes it, on the terminal or in cash)", () => {
    const markup = payments([tender('iotpay-pax', 'Card (IOTPay terminal)', CAPABILITY_SETS.iotpayPax)], 'iotpay-pax');
    expect(markup).toContain('Card (IOTPay terminal)');
    expect(markup).not.toContain('Void payment');
    expect(markup).not.toContain('Refund payment…');
    expect(markup).not.toContain('attempt-actions');
  });

  it('refund without void: only the refund', () => {
    const wallet = tender('iotpay-wallet', 'WeChat / Alipay', CAPABILITY_SETS.iotpayWallet);
    const markup = payments([wallet], 'iotpay-wallet');
    expect(markup).not.toContain('Void payment');
    expect(markup).toContain('>Refund payment…</button>');
  });

  it('a provider the station no longer offers keeps both, as before: main decides', () => {
    const markup = payments([tender('codepay', 'Card (CodePay terminal)', CAPABILITY_SETS.codepay)], 'retired');
    expect(markup).toContain('>Void payment</button>');
    expect(markup).toContain('>Refund payment…</button>');
  });
});

describe('manager: flagged late approvals', () => {
  function flagged(tenders: Tender[], provider: string): string {
    const built = stores(tenders);
    const late = attempt({
      id: 'LATE',
      provider,
      state: 'needs_reversal',
      needsAttention: 'needs-reversal',
      amount: 1735,
      refundable: 1735,
    });
    built.paymentAdmin.setState({ loaded: true, flagged: [late] });
    return html(built, <ManagerScreen />);
  }

  it('"Refund…" through a provider that refunds from the till; "Resolve…" either way', () => {
    const codepay = flagged([tender('codepay', 'Card (CodePay terminal)', CAPABILITY_SETS.codepay)], 'codepay');
    expect(codepay).toContain('>Refund…</button>');
    expect(codepay).toContain('>Resolve…</button>');
    const pax = flagged([tender('iotpay-pax', 'Card (IOTPay terminal)', CAPABILITY_SETS.iotpayPax)], 'iotpay-pax');
    expect(pax).not.toContain('>Refund…</button>');
    expect(pax).toContain('>Resolve…</button>');
  });
});

describe('virtual terminal', () => {
  it('"Approves with tip" only for a payment whose provider takes a tip on the terminal\'s screen', () => {
    const built = stores([
      tender('codepay', 'Card (CodePay terminal)', CAPABILITY_SETS.codepay),
      tender('iotpay-pax', 'Card (IOTPay terminal)', CAPABILITY_SETS.iotpayPax),
    ]);
    built.demo.setState({
      loaded: true,
      waiting: [
        { provider: 'codepay', key: 'K1', amount: 1000, currency: 'CAD' },
        { provider: 'iotpay-pax', key: 'K2', amount: 2000, currency: 'CAD' },
      ],
    });
    const items = html(built, <VirtualTerminalPanel />)
      .split('<li ')
      .slice(1);
    expect(items).toHaveLength(2);
    expect(items[0]).toContain('Card (CodePay terminal)');
    expect(items[0]).toContain('>Approves with tip</button>');
    expect(items[1]).toContain('Card (IOTPay terminal)');
    expect(items[1]).toContain('>Customer approves</button>');
    expect(items[1]).not.toContain('Approves with tip');
  });
});
