/**
 * The client's half of the approval exchange (DESIGN.md §11, issue 12). Main answers a
 * protected call from someone without the right with APPROVAL_REQUIRED and a request
 * (`error.approval`): a manager's credential approves that one request, once. Screens and
 * tests keep sending `approval: { managerId, pin }` (or a badge) with the call; this module
 * adds the request id:
 * - the request main last issued for that channel, when one is remembered and unexpired
 *   (the dialog's usual path: the bare call was refused, the manager typed their PIN);
 * - otherwise the call is first sent WITHOUT the credential to obtain a request.
 * When main refuses the request itself (another object, expired, used) it answers with a
 * fresh one: the call goes once more with that. A wrong PIN keeps the same request.
 */
import type { ApprovalAsk, Reply } from './errors';

type Send<T> = (input: unknown) => Promise<Reply<T>>;

interface WithApproval {
  approval?: { requestId?: string } | undefined;
}

function bareCredential(input: unknown): input is WithApproval & { approval: { requestId?: string } } {
  if (typeof input !== 'object' || input === null || !('approval' in input)) return false;
  const approval = (input as WithApproval).approval;
  return typeof approval === 'object' && approval !== null && approval.requestId === undefined;
}

const askOf = (reply: Reply<unknown>): ApprovalAsk | undefined =>
  !reply.ok && reply.error.code === 'APPROVAL_REQUIRED' ? reply.error.approval : undefined;

/** One per client: remembers the last request main issued per channel. */
export function createApprovalFlow(now: () => number = Date.now) {
  const asks = new Map<string, ApprovalAsk>();

  const remember = (channel: string, reply: Reply<unknown>) => {
    const ask = askOf(reply);
    if (ask) asks.set(channel, ask);
    else if (reply.ok) asks.delete(channel);
  };

  return {
    /** Sends `input` on `channel` through `send`, running the request exchange when it carries a bare credential. */
    async send<T>(channel: string, input: unknown, send: Send<T>): Promise<Reply<T>> {
      const track = async (payload: unknown) => {
        const reply = await send(payload);
        remember(channel, reply);
        return reply;
      };
      if (!bareCredential(input)) return track(input);
      const { approval, ...bare } = input;
      const known = asks.get(channel);
      let requestId = known && Date.parse(known.expiresAt) > now() ? known.requestId : undefined;
      if (requestId === undefined) {
        const first = await track(bare);
        requestId = askOf(first)?.requestId;
        if (requestId === undefined) return first;
      }
      const reply = await track({ ...bare, approval: { ...approval, requestId } });
      const fresh = askOf(reply)?.requestId;
      // Main refused the request itself (not the credential) and issued a new one: once more with it.
      if (fresh === undefined || fresh === requestId || known === undefined) return reply;
      return track({ ...bare, approval: { ...approval, requestId: fresh } });
    },
  };
}

export type ApprovalFlow = ReturnType<typeof createApprovalFlow>;
