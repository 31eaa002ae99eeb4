/**
 * "Acme Pay", an invented cloud card terminal, simulated: an HTTP server on 127.0.0.1 with
 * one resource, the operation (a sale, a refund or a void), keyed by the till's reference.
 *
 *   POST /v1/operations                   { reference, kind, amount, tip, currency, original? }
 *   GET  /v1/operations/:reference        what became of it (404: never received)
 *   POST /v1/operations/:reference/cancel close the terminal screen of a held sale
 *
 * Every reply is `{ reference, id, kind, status, amount, tip, currency, message }` with status
 * pending | approved | declined | cancelled. Outcomes are scripted per request: approve,
 * decline, lose the reply (the operation still happens, the socket is destroyed unanswered),
 * or hold it pending until `act()`. Its books say what was really charged.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AcmeOutcome = 'approve' | 'decline' | 'lose-reply' | 'hold';
export type AcmeKind = 'sale' | 'refund' | 'void';
export type AcmeStatus = 'pending' | 'approved' | 'declined' | 'cancelled';

export interface AcmeOperation {
  reference: string;
  id: string;
  kind: AcmeKind;
  status: AcmeStatus;
  /** Minor units, without the tip. */
  amount: number;
  tip: number;
  currency: string;
  /** The sale a refund or void acts on. */
  original: string | null;
  message: string;
  /** A sale voided or refunded afterwards: what of it was given back. */
  givenBack: number;
}

export interface AcmeSimulator {
  readonly url: string;
  readonly apiKey: string;
  /** Outcomes of the next POSTs, in order; then `approve` (or `hold` for an interactive simulator). */
  next(...outcomes: AcmeOutcome[]): void;
  /** Plays the customer on a held sale; false when it is not waiting. */
  act(reference: string, action: 'approve' | 'decline' | 'cancel'): boolean;
  held(): AcmeOperation[];
  operation(reference: string): AcmeOperation | undefined;
  /** How many POSTs arrived for this reference (a provider must never resend one). */
  postsFor(reference: string): number;
  /** Net money taken from customers: approved sales less what refunds and voids gave back. */
  netCharged(): number;
  /** Approved sales (charges), whatever happened to them afterwards. */
  charges(): number;
  close(): Promise<void>;
}

export async function startAcmeSimulator(
  options: { apiKey?: string; interactive?: boolean; onChange?: () => void } = {},
): Promise<AcmeSimulator> {
  const apiKey = options.apiKey ?? 'acme-test-key';
  const queue: AcmeOutcome[] = [];
  const operations = new Map<string, AcmeOperation>();
  const posts = new Map<string, number>();
  let counter = 0;
  const changed = () => options.onChange?.();

  const settle = (op: AcmeOperation, status: AcmeStatus, message: string): void => {
    op.status = status;
    op.message = message;
    if (status === 'approved' && op.kind !== 'sale') {
      const original = operations.get(op.original ?? '')!;
      original.givenBack += op.amount + op.tip;
    }
    changed();
  };

  /** Refuses what a real gateway would: unknown or unpaid originals, more back than was taken. */
  const refusal = (op: AcmeOperation): string | null => {
    if (op.kind === 'sale') return null;
    const original = op.original ? operations.get(op.original) : undefined;
    if (!original || original.kind !== 'sale' || original.status !== 'approved')
      return 'No approved sale with that reference';
    const left = original.amount + original.tip - original.givenBack;
    if (op.kind === 'void' && original.givenBack > 0) return 'A sale with refunds cannot be voided';
    return op.amount + op.tip > left ? 'More than is left on the sale' : null;
  };

  const body = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
  };
  const view = (op: AcmeOperation) => ({
    reference: op.reference,
    id: op.id,
    kind: op.kind,
    status: op.status,
    amount: op.amount,
    tip: op.tip,
    currency: op.currency,
    message: op.message,
  });

  const server = createServer((req, res) => {
    const send = (status: number, reply: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    };
    void (async () => {
      if (req.headers.authorization !== `Bearer ${apiKey}`) return send(401, { message: 'Unknown API key' });
      const path = new URL(req.url ?? '/', 'http://acme').pathname;
      const cancel = /^\/v1\/operations\/([^/]+)\/cancel$/.exec(path);
      const one = /^\/v1\/operations\/([^/]+)$/.exec(path);
      if (req.method === 'POST' && path === '/v1/operations') {
        const input = await body(req);
        const reference = String(input.reference);
        posts.set(reference, (posts.get(reference) ?? 0) + 1);
        const existing = operations.get(reference);
        // The same reference twice is the same operation: answered, never done again.
        if (existing) return send(200, view(existing));
        counter += 1;
        const op: AcmeOperation = {
          reference,
          id: `acme_${counter}`,
          kind: input.kind as AcmeKind,
          status: 'pending',
          amount: Number(input.amount),
          tip: Number(input.tip ?? 0),
          currency: String(input.currency),
          original: typeof input.original === 'string' ? input.original : null,
          message: 'On the terminal',
          givenBack: 0,
        };
        operations.set(reference, op);
        const refused = refusal(op);
        if (refused) {
          settle(op, 'declined', refused);
          return send(200, view(op));
        }
        const outcome = queue.shift() ?? (options.interactive && op.kind === 'sale' ? 'hold' : 'approve');
        if (outcome === 'hold') {
          changed();
          return send(200, view(op));
        }
        if (outcome === 'decline') settle(op, 'declined', 'Declined by the card issuer');
        else settle(op, 'approved', 'Approved');
        if (outcome === 'lose-reply') return req.socket.destroy();
        return send(200, view(op));
      }
      if (req.method === 'POST' && cancel) {
        const op = operations.get(decodeURIComponent(cancel[1]));
        if (!op) return send(404, { message: 'No such operation' });
        if (op.status === 'pending') settle(op, 'cancelled', 'Cancelled at the till');
        return send(200, view(op));
      }
      if (req.method === 'GET' && one) {
        const op = operations.get(decodeURIComponent(one[1]));
        return op ? send(200, view(op)) : send(404, { message: 'No such operation' });
      }
      return send(404, { message: 'Not found' });
    })().catch(() => send(400, { message: 'Bad request' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const approvedSales = () => [...operations.values()].filter((op) => op.kind === 'sale' && op.status === 'approved');
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    next: (...outcomes) => {
      queue.push(...outcomes);
    },
    act(reference, action) {
      const op = operations.get(reference);
      if (!op || op.status !== 'pending') return false;
      if (action === 'approve') settle(op, 'approved', 'Approved');
      else if (action === 'decline') settle(op, 'declined', 'Declined by the card issuer');
      else settle(op, 'cancelled', 'The customer walked away');
      return true;
    },
    held: () => [...operations.values()].filter((op) => op.status === 'pending'),
    operation: (reference) => operations.get(reference),
    postsFor: (reference) => posts.get(reference) ?? 0,
    netCharged: () => approvedSales().reduce((sum, op) => sum + op.amount + op.tip - op.givenBack, 0),
    charges: () => approvedSales().length,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
