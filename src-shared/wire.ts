/** Frames of the headless host's loopback WebSocket; Electron IPC carries the same Reply. */
import type { PosErrorShape } from './errors';

export type ClientFrame = { type: 'invoke'; id: number; channel: string; payload: unknown };

export type ServerFrame =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: PosErrorShape }
  | { type: 'event'; event: string; payload: unknown };

/** Path of the WebSocket endpoint on the headless host. */
export const WS_PATH = '/ipc';
