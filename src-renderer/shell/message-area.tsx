/** Scan results and cart errors. Both live regions exist from the start so screen readers announce changes. */
import { useStore } from 'zustand';
import { useStores } from '../common/use-stores';

export function MessageArea() {
  const notice = useStore(useStores().cart, (s) => s.notice);
  return (
    <div className="message-area">
      <p role="status" aria-live="polite" className="message info">
        {notice?.tone === 'info' ? notice.text : ''}
      </p>
      <p role="alert" className="message error">
        {notice?.tone === 'error' ? notice.text : ''}
      </p>
    </div>
  );
}
