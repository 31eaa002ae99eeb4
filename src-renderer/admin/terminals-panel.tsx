/**
 * CodePay terminals, live from `pos:terminals.changed`: each with its status and when it
 * was last seen; terminals waiting on their pairing screen, which a manager accepts under
 * a name (it becomes a tender) or rejects; adding one by its ws:// address; removing
 * one. In demo mode the simulated terminal can be made to ask to pair.
 */
import { useId, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { TerminalsView } from '../../src-shared/domain';
import { ModalDialog } from '../common/modal-dialog';
import { dateTime } from '../common/time-text';
import { useLocale, useStores } from '../common/use-stores';

type PairRequest = TerminalsView['requests'][number];

const requestLabel = (request: PairRequest) => request.deviceName ?? request.serial ?? request.url;

function AcceptDialog({ request, suggested, onClose }: { request: PairRequest; suggested: string; onClose(): void }) {
  const { terminals } = useStores();
  const [name, setName] = useState(request.knownAs ?? suggested);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) return setError('Name the terminal, for example Lane 2.');
    setBusy(true);
    const failure = await terminals.getState().decide(request.id, true, name);
    setBusy(false);
    if (failure) setError(failure);
    else onClose();
  }

  return (
    <ModalDialog title={`Accept ${requestLabel(request)}`} onClose={onClose}>
      <form onSubmit={submit}>
        <p>
          Serial {request.serial ?? 'not given'} at {request.url}. The name is how cashiers pick it on the payment
          screen.
        </p>
        <label htmlFor={nameId}>Terminal name</label>
        <input
          id={nameId}
          name="name"
          autoComplete="off"
          maxLength={60}
          value={name}
          data-autofocus
          onChange={(event) => setName(event.target.value)}
        />
        <p role="alert" className="field-error">
          {error ?? ''}
        </p>
        <div className="dialog-buttons">
          <button type="submit" className="primary" disabled={busy}>
            Accept
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function AddByAddress() {
  const { terminals } = useStores();
  const busy = useStore(terminals, (s) => s.busy);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) return setError('Name the terminal, for example Lane 3.');
    if (!/^ws:\/\/[^/\s]+\/?$/.test(url.trim())) return setError('Enter its address as ws://192.168.1.20:35779.');
    const failure = await terminals.getState().add(name, url);
    setError(failure);
    if (!failure) {
      setName('');
      setUrl('');
    }
  }

  return (
    <form className="terminal-add" aria-label="Add a terminal by address" onSubmit={submit}>
      <label>
        Name
        <input
          name="name"
          autoComplete="off"
          maxLength={60}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <label>
        Address
        <input
          name="url"
          autoComplete="off"
          placeholder="ws://192.168.1.20:35779"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
        />
      </label>
      <button type="submit" disabled={busy !== null}>
        Add by IP
      </button>
      <p role="alert" className="field-error">
        {error ?? ''}
      </p>
    </form>
  );
}

export function TerminalsPanel() {
  const { terminals, session, appInfo } = useStores();
  const view = useStore(terminals, (s) => s.view);
  const busy = useStore(terminals, (s) => s.busy);
  const error = useStore(terminals, (s) => s.error);
  const notice = useStore(terminals, (s) => s.notice);
  const isManager = useStore(session, (s) => s.session?.user.role === 'manager');
  const demo = useStore(appInfo, (s) => s.info?.demo ?? false);
  const locale = useLocale();
  const [accepting, setAccepting] = useState<PairRequest | null>(null);

  return (
    <section aria-labelledby="terminals-heading" className="device">
      <h3 id="terminals-heading">CodePay terminals</h3>
      <p role="status" className="hint">
        {notice ?? ''}
      </p>
      <p role="alert" className="field-error">
        {error ?? ''}
      </p>
      {!view ? (
        <p>Reading the terminals…</p>
      ) : view.terminals.length === 0 ? (
        <p className="hint">No CodePay terminal is set up on this till.</p>
      ) : (
        <table className="print-jobs" aria-labelledby="terminals-heading">
          <thead>
            <tr>
              <th scope="col">Terminal</th>
              <th scope="col">Address</th>
              <th scope="col">Added</th>
              <th scope="col">Status</th>
              <th scope="col">Last seen</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {view.terminals.map((t) => (
              <tr key={t.name}>
                <th scope="row">{t.name}</th>
                <td>{t.url}</td>
                <td>{t.source}</td>
                <td>{t.status}</td>
                <td>{t.lastSeen ? dateTime(t.lastSeen, locale) : '—'}</td>
                <td>
                  {isManager && (
                    <button
                      type="button"
                      aria-label={`Remove ${t.name}`}
                      disabled={busy !== null}
                      onClick={() => void terminals.getState().remove(t.name)}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {view && view.requests.length > 0 && (
        <ul className="pair-requests" aria-label="Terminals asking to pair">
          {view.requests.map((request) => (
            <li key={request.id}>
              <strong>{requestLabel(request)}</strong> asks to pair
              {request.knownAs ? ` (paired before as ${request.knownAs})` : ''}.
              <button
                type="button"
                aria-label={`Accept ${requestLabel(request)} as…`}
                disabled={!isManager || busy !== null}
                onClick={() => setAccepting(request)}
              >
                Accept as…
              </button>
              <button
                type="button"
                aria-label={`Reject ${requestLabel(request)}`}
                disabled={!isManager || busy !== null}
                onClick={() => void terminals.getState().reject(request.id)}
              >
                Reject
              </button>
            </li>
          ))}
        </ul>
      )}
      {!isManager && <p className="hint">A manager signs in to accept, add or remove terminals.</p>}
      <div className="device-actions">
        {demo && (
          <button type="button" disabled={busy !== null} onClick={() => void terminals.getState().demoPair()}>
            Demo terminal asks to pair
          </button>
        )}
      </div>
      {isManager && <AddByAddress />}
      {accepting && (
        <AcceptDialog
          request={accepting}
          suggested={`Lane ${(view?.terminals.length ?? 0) + 1}`}
          onClose={() => setAccepting(null)}
        />
      )}
    </section>
  );
}
