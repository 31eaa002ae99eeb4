/** An in-process core on a temp journal, with helpers to drive it like the renderer does. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApprovalFlow } from '../../src-shared/approval-flow';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../src-shared/contract';
import type { AttemptView, OrderView } from '../../src-shared/domain';
import { appConfigSchemaFor } from '../../src-main/config/config-schema';
import { resolveConfig } from '../../src-main/config/demo-config';
import { createCore, type Core, type CoreOptions } from '../../src-main/core';
import { demoCodes } from './demo-codes';
import { writeConfig } from './host-process';

export const quietLog = { info: () => undefined, error: () => undefined };

export interface Harness {
  core: Core;
  dir: string;
  call<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>>;
  /** Resolves with the first attempt event (or current state) that matches. */
  attempt(id: string, done: (a: AttemptView) => boolean, timeoutMs?: number): Promise<AttemptView>;
  /** Logs the demo cashier in and rings up two items; returns the open order. */
  ringUp(): Promise<OrderView>;
  /** The attempt's idempotency key as journaled (what the provider / simulator sees). */
  reference(attemptId: string): string;
  /** The attempt's journaled transitions, in order. */
  events(attemptId: string): { from_state: string | null; to_state: string; cause: string }[];
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  fileConfig: Record<string, unknown>,
  options: Partial<CoreOptions> = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'ct-harness-'));
  const configPath = writeConfig(dir, { demo: true, dataDir: join(dir, 'data'), ...fileConfig });
  // A fixture provider list brings its own config blocks: read the file with that list's schema.
  const schema = options.providerModules ? appConfigSchemaFor(options.providerModules) : undefined;
  const open = async () => {
    const core = await createCore({
      config: resolveConfig(configPath, schema),
      resourcesDir: join(__dirname, '../../resources'),
      log: quietLog,
      backoffMs: [40, 80, 160],
      ...options,
    });
    await core.ready;
    return core;
  };
  const harness: Harness = {
    core: await open(),
    dir,
    async call(channel, input) {
      // Like the renderer's client: a bare manager credential goes through the approval request exchange.
      // (A fresh exchange per call: the bare call first, then the credential with main's request.)
      const reply = await createApprovalFlow().send(channel, input, (payload) =>
        harness.core.dispatch(channel, payload),
      );
      if (!reply.ok) throw Object.assign(new Error(`${reply.error.code}: ${reply.error.message}`), reply.error);
      return reply.result as never;
    },
    attempt(id, done, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`attempt ${id} did not reach the expected state`));
        }, timeoutMs);
        const check = (a: AttemptView) => {
          if (a.id === id && done(a)) {
            clearTimeout(timer);
            off();
            resolve(a);
          }
        };
        const off = harness.core.events.subscribe((event, payload) => {
          if (event === 'pos:payment.changed') check(payload as AttemptView);
        });
        const current = harness.core.engine
          .unresolved()
          .concat(harness.core.engine.needingAttention())
          .find((a) => a.id === id);
        if (current) check(current);
        else {
          const row = harness.core.journal.db.prepare('SELECT order_id FROM payment_attempts WHERE id = ?').get(id) as
            { order_id: string } | undefined;
          const view = row ? harness.core.engine.viewsFor(row.order_id).find((a) => a.id === id) : undefined;
          if (view) check(view);
        }
      });
    },
    async ringUp() {
      await harness.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
      const codes = demoCodes(harness.core.journal.db);
      await harness.call('pos:cart.scan', { code: codes.plain[0].barcode, source: 'wedge' });
      return (await harness.call('pos:cart.scan', { code: codes.plain[1].barcode, source: 'wedge' })).order;
    },
    reference: (attemptId) =>
      harness.core.journal.db
        .prepare('SELECT reference FROM payment_attempts WHERE id = ?')
        .pluck()
        .get(attemptId) as string,
    events: (attemptId) =>
      harness.core.journal.db
        .prepare('SELECT from_state, to_state, cause FROM attempt_events WHERE attempt_id = ? ORDER BY seq')
        .all(attemptId) as { from_state: string | null; to_state: string; cause: string }[],
    async reopen() {
      await harness.core.close();
      harness.core = await open();
    },
    async close() {
      await harness.core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
