/**
 * Preload (sandboxed, CommonJS): exposes one function per declared channel and one
 * subscriber per declared event on window.countertop. Never ipcRenderer itself, never
 * a generic send(channel).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { BridgeInvokers, BridgeSubscribers, CountertopBridge } from '../src-shared/bridge';
import { BRIDGE_GLOBAL } from '../src-shared/bridge';
import { CHANNEL_NAMES, EVENT_NAMES } from '../src-shared/contract';

const invoke = Object.freeze(
  Object.fromEntries(
    CHANNEL_NAMES.map((channel) => [channel, (payload: unknown) => ipcRenderer.invoke(channel, payload)]),
  ),
) as unknown as BridgeInvokers;

const on = Object.freeze(
  Object.fromEntries(
    EVENT_NAMES.map((event) => [
      event,
      (listener: (payload: unknown) => void) => {
        const wrapped = (_event: unknown, payload: unknown) => listener(payload);
        ipcRenderer.on(event, wrapped);
        return () => {
          ipcRenderer.removeListener(event, wrapped);
        };
      },
    ]),
  ),
) as unknown as BridgeSubscribers;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, { invoke, on } satisfies CountertopBridge);
