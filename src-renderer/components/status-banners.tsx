/** Banners shown above every screen: demo/training mode and a lost connection. */
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../stores/use-stores';

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
    () => client.onConnection((status) => {
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
