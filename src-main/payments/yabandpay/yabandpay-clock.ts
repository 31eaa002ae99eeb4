/**
 * The calendar rules of YabandPay reversals (PAYMENTS.md §3.2): `v3.POSReversal` works on
 * the day of the sale; `v3.CancelPayment` until 00:30 "CET" on the next day. We read CET
 * as the gateway's local time, Europe/Amsterdam (CET in winter, CEST in summer): the
 * vendor is Dutch and its pages do not say otherwise.
 */

const ZONE = 'Europe/Amsterdam';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number): WallClock {
  const get = (type: string): number => Number(parts.formatToParts(new Date(ms)).find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Milliseconds Amsterdam is ahead of UTC at the instant `ms`. */
function offsetAt(ms: number): number {
  const w = wallClock(ms);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The Amsterdam calendar date of an instant, `YYYY-MM-DD`. */
export function gatewayDate(ms: number): string {
  const w = wallClock(ms);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** True when both instants fall on the same Amsterdam calendar day (POSReversal rule). */
export function sameGatewayDay(a: number, b: number): boolean {
  return gatewayDate(a) === gatewayDate(b);
}

/** The last instant `v3.CancelPayment` is allowed for a payment made at `paidAt`: 00:30 Amsterdam time the next day. */
export function cancelPaymentDeadline(paidAt: number): number {
  const w = wallClock(paidAt);
  const wall = Date.UTC(w.year, w.month - 1, w.day + 1, 0, 30, 0);
  // Local wall time → instant: subtract the offset in force then (twice, for DST edges).
  let instant = wall - offsetAt(wall);
  instant = wall - offsetAt(instant);
  return instant;
}
