/**
 * The engine's side of `ProviderEvents` (provider.ts): what a provider learns on its own and tells
 * the engine from its socket handlers — a result re-delivered late (applied to its attempt like
 * any answer), an answer under someone else's keys (kept for the manager and audited, never
 * applied; rule 7), and a link coming back (its attempts queried at once). A failure in handling
 * one is logged, never thrown into the provider.
 */
import { maskPansDeep, maskPansIn } from '../../../src-shared/pan-mask';
import type { EngineContext } from './engine-context';
import type { ProviderEvents, ProviderOutcome } from '../provider';

/** The engine's `eventsFor`, one set of `ProviderEvents` per provider. */
export function createProviderEventHandlers(context: EngineContext) {
  const { deps, life } = context;
  const { attempts, journal } = deps;
  const { apply, requeryAll } = life;

  function eventsFor(providerId: string): ProviderEvents {
    // Called from a provider's socket handlers: a failure here is logged, never thrown into them.
    const guarded =
      <A extends unknown[]>(what: string, act: (...args: A) => void) =>
      (...args: A): void => {
        if (life.closed) return;
        try {
          act(...args);
        } catch (error) {
          deps.log(`${providerId}: handling ${what} failed`, error);
        }
      };
    const foreignAnswer = guarded(
      "an answer with someone else's keys",
      (report: Parameters<ProviderEvents['foreignAnswer']>[0]) => {
        const detail = maskPansDeep(report.detail);
        const reason = maskPansIn(report.reason);
        deps.log(`${providerId}: an answer with someone else's keys was kept, not applied: ${reason}`);
        journal.transaction(() => {
          attempts.recordAnomaly({ provider: providerId, terminal: report.terminal, reason, detail });
          deps.audit.append({
            userId: null,
            action: 'payment.foreignAnswer',
            object: `provider:${providerId}`,
            detail: { terminal: report.terminal, reason, detail },
          });
        });
      },
    );
    return {
      lateResult: guarded('a re-delivered result', (reference: string, outcome: ProviderOutcome) => {
        const row = attempts.byReference(reference);
        if (row && row.provider === providerId) {
          apply(row.id, outcome, 'result re-delivered by the provider');
          return;
        }
        foreignAnswer({
          terminal: null,
          reason: `a result for reference ${reference}, which is no attempt of this till's ${providerId}`,
          detail: { reference, state: outcome.state, message: outcome.message, ...outcome.detail },
        });
      }),
      foreignAnswer,
      linkRestored: guarded('a link coming back', (terminal: string | null) =>
        requeryAll(providerId, terminal, `link to ${terminal ?? providerId} came back`),
      ),
    };
  }

  return { eventsFor };
}
