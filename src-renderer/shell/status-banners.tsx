/** Banners shown above every screen: demo/training mode, a lost connection, and money to give back. */
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { moneyToGiveBack } from '../payment/payment-store';
import { useMoney, useStores } from '../common/use-stores';

export function DemoBanner() {
  const demo = useStore(useStores().appInfo, (s) => s.info?.demo ?? false);
  if (!demo) return null;
  return <p className="demo-banner">DEMO / TRAINING MODE — no real payments are taken</p>;
}

export function ConnectionBanner() {
  const { client } = useStores();
  // 'connecting' at start-up is normal; say something only once a connection was lost.
  const [lost, setLost] = useState(false);
  useEffect(
    () =>
      client.onConnection((status) => {
        if (status === 'closed') setLost(true);
        else if (status === 'open') setLost(false);
      }),
    [client],
  );
  return (
    <div role="alert" className={lost ? 'connection-banner' : 'visually-hidden'}>
      {lost ? 'Connection to the till service lost — reconnecting…' : ''}
    </div>
  );
}

/** A card or wallet approval that came after its sale was paid another way: the cashier sees it at once. */
export function GiveBackBanner() {
  const attempts = useStore(useStores().payment, (s) => s.attempts);
  const money = useMoney();
  const alerts = moneyToGiveBack(attempts);
  return (
    <div role="alert" className={alerts.length ? 'give-back-banner' : 'visually-hidden'}>
      {alerts.map((attempt) => (
        <p key={attempt.id}>
          {money(attempt.amount + attempt.tip, attempt.currency)} ({attempt.provider}): {attempt.message}
        </p>
      ))}
    </div>
  );
}
