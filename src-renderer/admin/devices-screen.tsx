/**
 * Devices: the scanner and the receipt printer (with the drawer behind it) as main
 * reports them, live from `pos:devices.changed`. Failed print jobs can be retried; a
 * test page printed; the drawer opened without a sale with a manager's approval; USB
 * HID scanners listed, and (a manager signed in) the one the till reads chosen; CodePay
 * terminals listed, paired, added by address and removed.
 */
import { useState } from 'react';
import { useStore } from 'zustand';
import type { DevicesView } from '../../src-shared/domain';
import { ApprovalDialog } from '../common/approval-dialog';
import { jobText } from '../common/print-job-text';
import { dateTime } from '../common/time-text';
import { useLocale, useStores } from '../common/use-stores';
import { JournalCheckNote } from './journal-check-note';
import { TerminalsPanel } from './terminals-panel';

const SCANNER_STATE = {
  connected: 'Connected',
  disconnected: 'Disconnected',
  unavailable: 'Unavailable',
  error: 'Error',
  'not-configured': 'Not set up',
} as const;
const PRINTER_STATE = {
  ready: 'Ready',
  printing: 'Printing',
  attention: 'Needs attention',
  'not-configured': 'Not set up',
} as const;

const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

function ScannerPanel({ scanner }: { scanner: DevicesView['scanner'] }) {
  const locale = useLocale();
  return (
    <section aria-labelledby="scanner-heading" className="device">
      <h3 id="scanner-heading">Scanner</h3>
      <dl className="device-facts">
        <div>
          <dt>State</dt>
          <dd>{SCANNER_STATE[scanner.state]}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{scanner.message}</dd>
        </div>
        <div>
          <dt>Device</dt>
          <dd>{scanner.device ?? '—'}</dd>
        </div>
        <div>
          <dt>Last scan</dt>
          <dd>{scanner.lastScanAt ? dateTime(scanner.lastScanAt, locale) : '—'}</dd>
        </div>
      </dl>
    </section>
  );
}

function PrinterPanel({ printer, onNoSale }: { printer: DevicesView['printer']; onNoSale(): void }) {
  const { devices } = useStores();
  const busy = useStore(devices, (s) => s.busy);
  const locale = useLocale();
  const configured = printer.state !== 'not-configured';
  return (
    <section aria-labelledby="printer-heading" className="device">
      <h3 id="printer-heading">Printer and drawer</h3>
      <dl className="device-facts">
        <div>
          <dt>State</dt>
          <dd>{PRINTER_STATE[printer.state]}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{printer.message}</dd>
        </div>
        <div>
          <dt>Connection</dt>
          <dd>{printer.transport ?? '—'}</dd>
        </div>
        <div>
          <dt>Jobs waiting</dt>
          <dd>{printer.queued}</dd>
        </div>
      </dl>
      <div className="device-actions">
        <button
          type="button"
          disabled={!configured || busy !== null}
          onClick={() => void devices.getState().testPage()}
        >
          Print test page
        </button>
        <button type="button" disabled={!configured || busy !== null} onClick={onNoSale}>
          Open drawer (no sale)…
        </button>
      </div>
      {printer.jobs.length > 0 && (
        <table className="print-jobs">
          <caption>Recent print jobs</caption>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Time</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {printer.jobs.map((job) => (
              <tr key={job.id}>
                <th scope="row">{job.label}</th>
                <td>{dateTime(job.createdAt, locale)}</td>
                <td>{jobText(job)}</td>
                <td>
                  {(job.state === 'failed' || (job.state === 'queued' && job.attempts > 0)) && (
                    <button
                      type="button"
                      aria-label={`Retry ${job.label}`}
                      disabled={busy !== null}
                      onClick={() => void devices.getState().retry(job.id)}
                    >
                      Retry
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function HidFinder() {
  const { devices, session } = useStores();
  const hid = useStore(devices, (s) => s.hid);
  const busy = useStore(devices, (s) => s.busy);
  const isManager = useStore(session, (s) => s.session?.user.role === 'manager');
  return (
    <section aria-labelledby="hid-heading" className="device">
      <h3 id="hid-heading">USB scanners</h3>
      <div className="device-actions">
        <button type="button" disabled={busy !== null} onClick={() => void devices.getState().findHid()}>
          Find USB scanners
        </button>
        {isManager && (
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => void devices.getState().chooseScanner({ type: 'none' })}
          >
            Use no USB scanner
          </button>
        )}
      </div>
      {!isManager && <p className="hint">A manager signs in to choose the scanner the till reads.</p>}
      {hid && <p role="status">{hid.message}</p>}
      {hid?.available && hid.devices.length > 0 && (
        <ul className="hid-list" aria-label="USB HID devices">
          {hid.devices.map((d) => (
            <li key={`${d.vendorId}:${d.productId}:${d.path ?? ''}`}>
              <strong>{d.product ?? 'Unnamed device'}</strong> {d.manufacturer ? `by ${d.manufacturer}` : ''} · VID{' '}
              {hex(d.vendorId)} PID {hex(d.productId)}
              {d.usagePage !== null && ` · usage page ${hex(d.usagePage)}`} · {d.kind}
              {isManager && (
                <button
                  type="button"
                  aria-label={`Use ${d.product ?? 'this device'} as the scanner`}
                  disabled={busy !== null}
                  onClick={() =>
                    void devices.getState().chooseScanner({
                      type: 'hid',
                      vendorId: d.vendorId,
                      productId: d.productId,
                      usagePage: d.usagePage,
                    })
                  }
                >
                  Use this scanner
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Where the journal's signing key is kept; a warning when the computer only obfuscates it (DESIGN §11). */
export function JournalKeyNote() {
  const key = useStore(useStores().appInfo, (s) => s.info?.journalKey ?? null);
  if (!key) return null;
  if (key.protection === 'obfuscated')
    return (
      <p role="alert" className="field-error journal-key">
        The journal signing key is only obfuscated on this computer: no system keyring is running. Start GNOME Keyring
        or KWallet, then restart Countertop, to protect it. Key: {key.where}
      </p>
    );
  return (
    <p className="hint journal-key">
      {key.protection === 'keychain'
        ? `The journal signing key is encrypted by the system keychain: ${key.where}`
        : `The journal signing key is a file readable by this user only: ${key.where}`}
    </p>
  );
}

export function DevicesScreen() {
  const { devices } = useStores();
  const view = useStore(devices, (s) => s.view);
  const error = useStore(devices, (s) => s.error);
  const notice = useStore(devices, (s) => s.notice);
  const [noSale, setNoSale] = useState(false);

  return (
    <section className="admin-screen devices-screen" aria-labelledby="devices-heading">
      <h2 id="devices-heading">Devices</h2>
      <p role="status" className="hint">
        {notice ?? ''}
      </p>
      <p role="alert" className="field-error">
        {error ?? ''}
      </p>
      {view ? (
        <div className="device-grid">
          <ScannerPanel scanner={view.scanner} />
          <PrinterPanel printer={view.printer} onNoSale={() => setNoSale(true)} />
        </div>
      ) : (
        <p>Reading the devices…</p>
      )}
      <TerminalsPanel />
      <HidFinder />
      <JournalKeyNote />
      <JournalCheckNote />
      {noSale && (
        <ApprovalDialog
          title="Open the drawer without a sale"
          submitLabel="Open drawer"
          onApprove={(approval, reason) => devices.getState().noSale(reason, approval)}
          onClose={() => setNoSale(false)}
        >
          <p>Every opening is recorded with the manager who approved it and the reason.</p>
        </ApprovalDialog>
      )}
    </section>
  );
}
