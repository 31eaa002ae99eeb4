/**
 * "Acme Pay", an invented cloud card terminal, as a provider module: the worked example of
 * adding a provider (src-main/payments/README.md). This file and its simulator are all it
 * takes, plus one line in the module list (`[...PROVIDER_MODULES, acmeModule]`).
 *
 * The client sends each sale, refund or void once, under the attempt's reference, and never
 * again: a lost reply is `unknown` and `query` asks what became of that reference.
 */
import { z } from 'zod';
import { defineProviderModule, type ProviderContext } from '../../../src-main/payments/provider-module';
import type {
  PaymentProvider,
  ProgressReport,
  ProviderAttempt,
  ProviderCapabilities,
  ProviderOutcome,
} from '../../../src-main/payments/provider';
import { startAcmeSimulator, type AcmeStatus } from './acme-simulator';

const PROVIDER_ID = 'acme';
const DEMO_API_KEY = 'acme-demo-key';

export const ACME_CAPABILITIES: ProviderCapabilities = {
  cancel: true,
  void: true,
  refund: true,
  partialRefund: true,
  tip: false,
  onScreenTip: false,
  preauth: false,
  cashback: false,
  lanes: false,
  pushResults: false,
  hostedForm: false,
  terminalAuthentication: false,
};

export const acmeConfigSchema = z
  .object({
    baseUrl: z.url(),
    apiKey: z.string().min(1),
  })
  .strict();
export type AcmeConfig = z.output<typeof acmeConfigSchema>;

/** How `start` waits for a sale the customer is still paying (tests shrink it). */
export interface AcmeTimings {
  pollMs?: number;
  /** After this long `start` answers `pending`; the engine keeps querying. */
  waitMs?: number;
}

interface AcmeReply {
  id?: string;
  status?: AcmeStatus;
  amount?: number;
  currency?: string;
  message?: string;
}

const STATES: Record<AcmeStatus, ProviderOutcome['state']> = {
  pending: 'pending',
  approved: 'approved',
  declined: 'declined',
  cancelled: 'cancelled',
};

function toOutcome(reply: AcmeReply): ProviderOutcome {
  const state = reply.status ? STATES[reply.status] : undefined;
  if (!state)
    return { state: 'unknown', message: 'Acme Pay answered something this till cannot read; it is checked again.' };
  return {
    state,
    message: reply.message ?? state,
    ...(reply.id ? { providerRef: reply.id } : {}),
    // What Acme holds for this reference, checked by the engine against the attempt.
    ...(state === 'approved' && reply.amount !== undefined && reply.currency
      ? { readBack: { amount: reply.amount, currency: reply.currency } }
      : {}),
  };
}

export function createAcmeProvider(config: AcmeConfig, timings: AcmeTimings = {}): PaymentProvider {
  const base = config.baseUrl.replace(/\/+$/, '');
  const pollMs = timings.pollMs ?? 50;
  const waitMs = timings.waitMs ?? 2_000;
  const lifetime = new AbortController();

  /** One HTTP call. Throws only when no answer came (the engine then reads it as unknown). */
  const call = async (
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; reply: AcmeReply }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${config.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: lifetime.signal,
    });
    return { status: res.status, reply: (await res.json().catch(() => ({}))) as AcmeReply };
  };
  /** `starting`: a refused key means nothing was done (declined); on a query it says nothing about the payment. */
  const answer = ({ status, reply }: { status: number; reply: AcmeReply }, starting: boolean): ProviderOutcome => {
    if (status === 401) {
      const fault = "The Acme Pay API key in the till's settings is wrong.";
      return { state: starting ? 'declined' : 'unknown', message: fault, configFault: fault };
    }
    if (status === 404)
      return { state: 'unknown', message: 'Acme Pay has no record of this payment yet; it is checked again.' };
    return status === 200
      ? toOutcome(reply)
      : { state: 'unknown', message: `Acme Pay answered HTTP ${status}; it is checked again.` };
  };
  const query = async (attempt: ProviderAttempt): Promise<ProviderOutcome> =>
    answer(await call('GET', `/v1/operations/${encodeURIComponent(attempt.reference)}`), false);

  return {
    id: PROVIDER_ID,
    label: 'Card (Acme Pay terminal)',
    method: 'card',
    capabilities: ACME_CAPABILITIES,

    async start(attempt: ProviderAttempt, signal: AbortSignal, progress: ProgressReport): Promise<ProviderOutcome> {
      const request = {
        reference: attempt.reference,
        kind: attempt.kind,
        amount: attempt.amount,
        tip: attempt.tip,
        currency: attempt.currency,
        ...(attempt.original ? { original: attempt.original.reference } : {}),
      };
      let outcome: ProviderOutcome;
      try {
        outcome = answer(await call('POST', '/v1/operations', request), true);
      } catch (error) {
        return {
          state: 'unknown',
          message: `No answer from Acme Pay (${(error as Error).message}); checked with a query, never sent again.`,
        };
      }
      if (outcome.state === 'pending') {
        progress(
          'The customer is paying on the Acme Pay terminal…',
          outcome.providerRef ? { providerRef: outcome.providerRef } : undefined,
        );
      }
      const deadline = Date.now() + waitMs;
      while (outcome.state === 'pending' && !signal.aborted && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        outcome = await query(attempt).catch((error: Error): ProviderOutcome => ({
          state: 'pending',
          message: error.message,
        }));
      }
      return outcome;
    },
    query,
    async cancel(attempt) {
      return answer(await call('POST', `/v1/operations/${encodeURIComponent(attempt.reference)}/cancel`), false);
    },
    async close() {
      lifetime.abort();
    },
  };
}

export const acmeModule = defineProviderModule({
  key: 'acme',
  configSchema: acmeConfigSchema,
  secrets: true,
  create: (config, ctx: ProviderContext<AcmeTimings>) => ({ providers: [createAcmeProvider(config, ctx.timings)] }),
  demo: {
    async start({ notify }) {
      const sim = await startAcmeSimulator({ apiKey: DEMO_API_KEY, interactive: true, onChange: notify });
      return {
        url: sim.url,
        config: () => ({ baseUrl: sim.url, apiKey: DEMO_API_KEY }),
        waiting: () =>
          sim
            .held()
            .filter((op) => op.kind === 'sale')
            .map((op) => ({
              provider: PROVIDER_ID,
              key: op.reference,
              amount: op.amount + op.tip,
              currency: op.currency,
            })),
        act: (providerId, key, action) =>
          providerId === PROVIDER_ID &&
          sim.act(key, action === 'walk-away' ? 'cancel' : action === 'decline' ? 'decline' : 'approve'),
        close: () => sim.close(),
      };
    },
  },
});
