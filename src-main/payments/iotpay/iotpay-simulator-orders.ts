/**
 * The simulated IOTPay gateway's books and its order state machine (PAYMENTS.md §6 "IOTPay"):
 * the shapes of per-order behaviours, reply faults and options; the order and refund records;
 * and the transitions — status changes that count each charge once and fill in the card or
 * wallet data of the result, the wallet's progress over queries — with the `payOrder` view a
 * reply carries. The entry `iotpay-simulator.ts` creates the one `IotpaySimContext` this book
 * and the HTTP routes (`iotpay-simulator-routes.ts`) share.
 */
import type { ServerResponse } from 'node:http';

/** What the next create_order does (PAYMENTS.md §6). */
export type IotpayBehaviour =
  | 'approve' // card: approve after cardMs; wallet: 0 → 1 → 2 over walletSteps queries
  | 'slow-card' // card: block cardMs (default 1500) then approve
  | 'decline' // card: status 9 "Transaction Not Completed 05"; wallet: 9 (customer cancelled)
  | 'system-cancel' // status 4 (cancelled by the system)
  | 'timeout-then-success' // hold create_order without replying; the order turns paid later
  | 'stuck-pending' // status 1 forever; card create_order held
  | 'walk-away' // card: customer leaves; status 1, request held, 4 after expiry (wallet: 1, then 4)
  | 'bad-signature' // order processed, reply's sign corrupted
  | 'already-paid' // an earlier create paid this mchOrderNo: reply 0113
  | 'server-error' // order processed, HTTP 502
  | 'malformed-json' // order processed, reply body is broken JSON
  | 'drop-connection' // order processed, socket destroyed before any reply
  | 'interactive'; // card: wait for act() from the virtual terminal

export interface IotpayBehaviourOptions {
  /** Card: how long create_order blocks before the terminal answers. */
  cardMs?: number;
  /** Wallet: the query_order call at which the order reaches its final status (0: already in the create reply). */
  walletSteps?: number;
  /** timeout-then-success: paid this long after create_order arrived… */
  lateMs?: number;
  /** …or at this query_order call, whichever first (default 2). */
  paidAtQuery?: number;
  /** walk-away: status 4 after this long… */
  expireMs?: number;
  /** …or at this query_order call, when set (also for an interactive walk-away). */
  expireAtQuery?: number;
  /** Faults: whether the gateway processed (charged) the order before the reply broke. Default true. */
  charge?: boolean;
  /** already-paid: the amount (cents) the earlier create was paid for, when not this request's. */
  paidAmount?: number;
  /**
   * query_order replies carry only what PAYMENTS.md §1.3 lists for them (status, channelOrderNo,
   * paySuccTime…): no amount, tip or currency. A real gateway may answer this way.
   */
  queryWithoutAmount?: boolean;
  /** Paid status reported (2 paid, 3 paid and notified). */
  paidStatus?: 2 | 3;
  /** Card data of the approval. */
  langCode?: 'E' | 'F';
  cardType?: string;
  /** Tests may put a full PAN here to prove the POS masks it. */
  cardNum?: string;
  /** Card: the terminal's receipt text (free text; tests put a full PAN in it to prove the POS masks it). */
  receiptDisp?: string;
  trxMethod?: string;
  cvmResults?: string;
}

export type IotpayReplyFault = 'bad-signature' | 'server-error' | 'malformed-json' | 'drop-connection';

export interface IotpaySimulatorOptions {
  port?: number;
  host?: string;
  mchId?: string;
  key?: string;
  /** CC_PAX sales wait for act() unless a behaviour was queued (the demo virtual terminal). */
  interactive?: boolean;
  /** Behaviour when nothing is queued (default 'approve'; CC_PAX uses 'interactive' when interactive). */
  defaultBehaviour?: IotpayBehaviour;
  defaultOptions?: IotpayBehaviourOptions;
  /** Interactive walk-away: status 1 turns 4 after this long (default 90 s). */
  walkAwayExpireMs?: number;
  /**
   * Paths that are not the v1 API answer a web page with HTTP 200 (a web server in front of
   * the wrong address) instead of a 404.
   */
  webPageForOtherPaths?: boolean;
  onChange?: () => void;
}

/** One order as the gateway keeps it, with the request it came from and its held reply. */
export interface Order {
  payOrderId: string;
  mchOrderNo: string;
  channelId: string;
  currency: string;
  amount: number;
  tip: number;
  request: Record<string, unknown>;
  status: number;
  extra: string;
  channelOrderNo: string;
  paySuccTime: number | '';
  createDate: number;
  updateDate: number;
  refundable: number;
  queries: number;
  behaviour: IotpayBehaviour;
  opts: IotpayBehaviourOptions;
  held: ServerResponse | null;
  awaitingTerminal: boolean;
  walkedAway: boolean;
}

/** A refund that moved money (or was refused), kept under its mchRefundNo. */
export interface RefundRecord {
  payOrderId: string;
  amount: number;
  reply: Record<string, unknown>;
}

/** IOTPay statuses 2 and up are final (2 and 3 paid; 4 and 9 end the order unpaid). */
export const FINAL = (status: number): boolean => status >= 2;
/** Zero-padded digits, for the ids and card data the gateway makes up. */
export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * What the simulated gateway's parts share: its settings, its books, its counts and the faults
 * scripted for the next replies. Created once per simulator by `startIotpaySimulator`.
 */
export interface IotpaySimContext {
  options: IotpaySimulatorOptions;
  mchId: string;
  /** The merchant key requests are checked and replies signed with; `setMerchantKey` changes it. */
  key: string;
  /** Orders by mchOrderNo, and the same by payOrderId. */
  orders: Map<string, Order>;
  byPayOrderId: Map<string, Order>;
  refundsByNo: Map<string, RefundRecord>;
  /** create_order / refund_order calls per mchOrderNo / mchRefundNo. */
  createCalls: Map<string, number>;
  refundCallCounts: Map<string, number>;
  /** Behaviours for the next create_order calls, in order. */
  queue: { behaviour: IotpayBehaviour; opts: IotpayBehaviourOptions }[];
  queryFault: { fault: IotpayReplyFault; remaining: number } | null;
  refundFault: { fault: IotpayReplyFault; charge: boolean } | null;
  timers: Set<NodeJS.Timeout>;
  listeners: Set<() => void>;
  chargeCount: number;
  refundCount: number;
  /** Numbers payOrderIds, refundOrderIds and the card data of approvals. */
  serial: number;
}

/** The order book's transitions and views, over the shared context. */
export type IotpayOrderBook = ReturnType<typeof createIotpayOrderBook>;

/** The order book: change notices, timers, status transitions and the `payOrder` view. */
export function createIotpayOrderBook(context: IotpaySimContext) {
  const { mchId, timers, listeners } = context;

  const changed = (): void => {
    for (const listener of listeners) listener();
  };
  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  function cardExtra(order: Order, approved: boolean): string {
    const now = new Date();
    const o = order.opts;
    const french = o.langCode === 'F';
    const base = {
      cardType: approved ? (o.cardType ?? 'M') : ' ',
      cardNum: approved ? (o.cardNum ?? 'XXXXXXXXXXXX1166') : '',
      expireDate: approved ? '1022' : '    ',
      emvLabel: approved ? 'MASTERCARD' : '',
      emvAID: approved ? 'A0000000041010' : '',
      emvTVR: approved ? '0000008000' : '',
      emvTSI: approved ? '0000' : '',
      emvTC: approved ? 'ARQC: 3D36ACBD44BE512B' : '',
      termNum: '25957',
      bankTermNum: '40880013',
      termInvoiceNum: pad(724000 + context.serial, 6),
      seqNum: approved ? pad(1000000 + context.serial, 12) : '000000000000',
      authNum: approved ? `0${pad(context.serial % 10000, 4)}Z` : '',
      batchNum: approved ? '0008' : '0000',
      trxMethod: approved ? (o.trxMethod ?? 'T') : '',
      accountType: '',
      receiptDisp:
        o.receiptDisp ??
        (approved ? (french ? '000 Approuvée 00 Merci' : '000 Approved 00 Thank You') : 'Transaction Not Completed 05'),
      cashbackAmount: '',
      timeStamp: `${now.getFullYear()}${pad(now.getMonth() + 1, 2)}${pad(now.getDate(), 2)}-${pad(now.getHours(), 2)}${pad(now.getMinutes(), 2)}${pad(now.getSeconds(), 2)}00`,
      surchargeAmount: '',
      langCode: o.langCode ?? 'E',
      trxDate: approved ? `${pad(now.getMonth() + 1, 2)}${pad(now.getDate(), 2)}${now.getFullYear()}` : '',
      trxTime: approved ? `${pad(now.getHours(), 2)}${pad(now.getMinutes(), 2)}${pad(now.getSeconds(), 2)}` : '',
      cvmResults: approved ? (o.cvmResults ?? '1F0302') : '',
      trxCode: '00',
    };
    return JSON.stringify(base);
  }

  function setStatus(order: Order, status: number): void {
    if (FINAL(order.status) || order.status === status) return;
    order.status = status;
    order.updateDate = Date.now();
    if (status === 2 || status === 3) {
      order.paySuccTime = Date.now();
      order.refundable = order.amount;
      context.chargeCount += 1;
      if (order.channelId === 'CC_PAX') order.extra = cardExtra(order, true);
      else order.channelOrderNo = `${order.channelId.slice(0, 2).toLowerCase()}${Date.now()}${pad(context.serial, 6)}`;
    } else if (FINAL(status) && order.channelId === 'CC_PAX') {
      order.extra = cardExtra(order, false);
    }
    if (FINAL(status)) order.awaitingTerminal = false;
    changed();
  }
  const paid = (order: Order): void => setStatus(order, order.opts.paidStatus ?? 2);

  function payOrderView(order: Order): Record<string, unknown> {
    return {
      userName: String(order.request.jobNo ?? ''),
      storeId: 'sim001',
      payOrderId: order.payOrderId,
      mchId,
      mchOrderNo: order.mchOrderNo,
      transId: '',
      originalOrderId: '',
      channelId: order.channelId,
      currency: order.currency,
      amount: order.amount,
      tip: order.tip,
      rate: 0,
      payType: 'pay',
      refundable: order.refundable,
      clientIp: String(order.request.clientIp ?? ''),
      deviceId: String(order.request.device ?? ''),
      deviceType: '',
      notifyUrl: String(order.request.notifyUrl ?? ''),
      subject: String(order.request.subject ?? ''),
      body: String(order.request.body ?? ''),
      param1: '',
      param2: '',
      extra: order.extra,
      channelOrderNo: order.channelOrderNo,
      status: order.status,
      remarks: '',
      rateValue: 0,
      trxAmount: 0,
      costAmount: 0,
      currencyAmount: 0,
      paySuccTime: order.paySuccTime,
      createDate: order.createDate,
      updateDate: order.updateDate,
    };
  }

  /** Wallet progression per query: 1 while the customer confirms, then the behaviour's end. */
  function advanceWallet(order: Order): void {
    if (order.channelId === 'CC_PAX' || FINAL(order.status)) return;
    const b = order.behaviour;
    if (b === 'stuck-pending' || b === 'walk-away') {
      if (order.queries > 0) setStatus(order, 1);
      return;
    }
    if (b === 'timeout-then-success') return;
    if (order.queries < (order.opts.walletSteps ?? 2)) {
      setStatus(order, 1);
      return;
    }
    if (b === 'decline') setStatus(order, 9);
    else if (b === 'system-cancel') setStatus(order, 4);
    else paid(order);
  }

  return { changed, later, setStatus, paid, payOrderView, advanceWallet };
}
