/**
 * The Devices screen's line about the journal's background integrity check (issue 14): the check
 * runs a while after start, so the line asks main again every few seconds until its verdict is in;
 * a damaged journal is an alert, since the till then refuses new sales.
 */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { dateTime } from '../common/time-text';
import { useLocale, useStores } from '../common/use-stores';

/** How often the screen asks for the verdict while the check has not finished. */
export const JOURNAL_CHECK_REFRESH_MS = 5000;

export function JournalCheckNote() {
  const { appInfo } = useStores();
  const check = useStore(appInfo, (s) => s.info?.journalCheck ?? null);
  const locale = useLocale();
  const waiting = check?.state === 'pending' || check?.state === 'running';
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => void appInfo.getState().load(), JOURNAL_CHECK_REFRESH_MS);
    return () => clearInterval(timer);
  }, [appInfo, waiting]);
  if (!check) return null;
  const when = check.at
    ? ` (${dateTime(check.at, locale)}${check.seconds !== undefined ? `, ${check.seconds} s` : ''})`
    : '';
  switch (check.state) {
    case 'failed':
      return (
        <p role="alert" className="field-error journal-check">
          The journal file is damaged: SQLite&apos;s integrity check found{' '}
          {(check.problems ?? []).slice(0, 3).join('; ')}
          {when}. This till takes no new sales or payments; refunds, voids, history and the X and Z reports still work.
          Restore the journal from your latest backup and keep the damaged file for your support contact.
        </p>
      );
    case 'ok':
      return <p className="hint journal-check">The journal file was checked and is sound{when}.</p>;
    case 'unavailable':
      return (
        <p className="hint journal-check">
          The journal file could not be checked{when}: {check.note ?? 'no reason given'}.
        </p>
      );
    default:
      return (
        <p className="hint journal-check">
          {check.state === 'running'
            ? 'The journal file is being checked in the background…'
            : 'The journal file is checked in the background shortly after start.'}
        </p>
      );
  }
}
