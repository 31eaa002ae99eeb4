/**
 * Entry point: picks the transport (the Electron preload bridge when present, else the
 * headless host's WebSocket on the origin that served this page), builds the stores and
 * renders the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BRIDGE_GLOBAL, type CountertopBridge } from '../src-shared/bridge';
import { createBridgeTransport } from './api/bridge-transport';
import { createClient } from './api/client';
import type { Transport } from './api/transport';
import { createWebSocketTransport, webSocketUrlFor } from './api/ws-transport';
import { App } from './app';
import { createAppStores } from './shell/app-stores';
import { StoresContext } from './common/use-stores';
import './styles.css';

const bridge = (globalThis as Record<string, unknown>)[BRIDGE_GLOBAL] as CountertopBridge | undefined;
const transport: Transport = bridge
  ? createBridgeTransport(bridge)
  : createWebSocketTransport({ url: webSocketUrlFor(window.location) });
const stores = createAppStores(createClient(transport));
void stores.commands.start();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <StoresContext value={stores}>
      <App />
    </StoresContext>
  </StrictMode>,
);
