/**
 * What a shop can hold: the bounds on every count, amount and length the IPC contract accepts
 * (issue 12: a shift float of 1.8e21 reached an immutable Z report). Amounts are integer minor
 * units in the store's currency whatever its exponent, so each bound is chosen for the currency
 * with the most minor units to a dollar a till could be set up for, and small enough that the
 * products and sums the till computes from bounded inputs stay exact (below 2^53).
 */

/**
 * The largest amount of one entry, in minor units: a price, a sale, a tender, a tip, cash back,
 * a refund, a cash move, a drawer's float or count. 10^11 minor units is about US$60,000 in
 * rupiah (IDR, exponent 2: some 1.6 million minor units to the dollar), millions of dollars in
 * dong, won or yen (exponent 0) and a billion in dollars or euros. Times 10,000 (a rate in basis
 * points) it is 10^15, still exact; 90,000 of them (a busy shift) still sum below 2^53; a price
 * times MAX_QUANTITY stays below 10^15.
 */
export const MAX_AMOUNT = 100_000_000_000;

/** Items of one product on one line: four digits on the keypad. */
export const MAX_QUANTITY = 9_999;

/** Quantities travel in thousandths (1 each = 1000, 1.250 kg = 1250): MAX_QUANTITY of them. */
export const MAX_QUANTITY_MILLI = MAX_QUANTITY * 1000;

/** Lines named in one request (a refund by lines); a supermarket's longest receipts are far shorter. */
export const MAX_LINES = 500;

/**
 * The face value of one note or coin, in minor units. The largest in circulation among the
 * big-number currencies is Rp 100,000 (10^7 minor units); ten times that leaves room.
 */
export const MAX_DENOMINATION = 100_000_000;

/** Notes or coins of one denomination in a drawer count: a thousand rolls of coins. */
export const MAX_DENOMINATION_COUNT = 100_000;

/** Rows of a drawer count (each a denomination): no currency has more than about 15 kinds. */
export const MAX_DENOMINATIONS = 30;

/**
 * Numbers the till gives out in sequence and is asked for again: sale numbers, Z report numbers,
 * print jobs. 2^31 − 1: a till doing one a second round the clock takes 68 years to reach it.
 */
export const MAX_SEQUENCE = 2_147_483_647;

/** A percentage in basis points: 10,000 is 100 %. */
export const BASIS_POINTS_WHOLE = 10_000;

/** USB vendor ids, product ids and HID usage pages are 16-bit fields. */
export const MAX_USB_ID = 0xffff;

/** Pages of results: catalogue search, the product grid, the sales history. */
export const MAX_SEARCH_RESULTS = 100;
export const MAX_GRID_PRODUCTS = 120;
export const MAX_HISTORY_PAGE = 200;

/** Ids the till gives out (UUIDs, user ids) fit easily; longer is not one of ours. */
export const MAX_ID_LENGTH = 64;

/** A scanned or typed code: the longest GS1 barcodes with application identifiers are under 100. */
export const MAX_CODE_LENGTH = 128;

/** Why a manager approved something, or a note: a sentence. */
export const MAX_REASON_LENGTH = 200;

/** What proves an outcome (a slip number, an approval code). */
export const MAX_EVIDENCE_LENGTH = 120;

/** A name shown on a screen: a terminal, a department, a search. */
export const MAX_NAME_LENGTH = 60;

/** A search typed at the till. */
export const MAX_QUERY_LENGTH = 100;

/** A payment provider's id; a demo payment's key. */
export const MAX_PROVIDER_LENGTH = 40;
export const MAX_KEY_LENGTH = 64;

/** A terminal's address typed by a manager (ws://host:port). */
export const MAX_URL_LENGTH = 200;
