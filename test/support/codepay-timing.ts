import type { CodepayTiming } from '../../src-main/payments/codepay/codepay-provider';

/** CodePay timings shrunk for tests against the terminal simulator on loopback. */
export const FAST_CODEPAY: Partial<CodepayTiming> = {
  pingIntervalMs: 50,
  lostTimeoutMs: 5_000,
  reconnectInitialMs: 10,
  reconnectMaxMs: 40,
  connectTimeoutMs: 5_000,
  saleTimeoutMs: 15_000,
  redeliveryWindowMs: 5_000,
  queryIntervalMs: 20,
  recoveryMs: 5_000,
  requestTimeoutMs: 3_000,
  connectWaitMs: 5_000,
};
