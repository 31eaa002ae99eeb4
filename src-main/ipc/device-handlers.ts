/**
 * Handlers of the device channels: the devices' status and the USB HID list, printing
 * (a sale's receipt, a retry, the test page), the no-sale drawer kick a manager approves,
 * and the demo scanner and virtual terminal, which exist only in demo / training mode.
 * A print job is answered as its view; a reprint and a no-sale are audited.
 */
import type { OrderView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import { buildReceipt } from '../../src-shared/receipt';
import type { AuditLog } from '../auth/audit-log';
import type { Permissions } from '../auth/permissions';
import type { SessionManager } from '../auth/session-manager';
import type { AppConfig } from '../config/config-schema';
import type { DemoServices } from '../demo/demo-services';
import type { DeviceHub } from '../devices/device-hub';
import { printJobView } from '../devices/printer/printer-service';
import { listHidDevices } from '../devices/scanner/hid-scanner';
import type { Handlers } from './dispatcher';

export type DeviceChannels =
  | 'pos:devices.status'
  | 'pos:devices.hidList'
  | 'pos:print.receipt'
  | 'pos:print.retry'
  | 'pos:print.testPage'
  | 'pos:drawer.noSale'
  | 'pos:demo.scan'
  | 'pos:demo.terminal'
  | 'pos:demo.act';

export interface DeviceHandlerDeps {
  config: AppConfig;
  sessions: SessionManager;
  audit: AuditLog;
  permissions: Permissions;
  devices: DeviceHub;
  demo: DemoServices | null;
  format(amount: number, currency: string): string;
  /** A stored sale as the renderer sees it, or NOT_FOUND; shared with the orders channels. */
  orderView(orderId: string): OrderView;
}

/** Builds the device, printing, drawer and demo handlers. */
export function createDeviceHandlers(deps: DeviceHandlerDeps): Pick<Handlers, DeviceChannels> {
  const { config, sessions, permissions, orderView } = deps;

  const demoOnly = (): DemoServices => {
    if (!deps.demo) throw new PosError('FORBIDDEN', 'The virtual terminal exists only in demo / training mode.');
    return deps.demo;
  };

  return {
    'pos:devices.status': () => {
      sessions.require();
      return deps.devices.view();
    },
    'pos:devices.hidList': async () => {
      sessions.require();
      try {
        const devices = await listHidDevices();
        return {
          available: true,
          message: `${devices.length} HID device(s) found.`,
          devices: devices.map((d) => ({
            vendorId: d.vendorId,
            productId: d.productId,
            path: d.path ?? null,
            usagePage: d.usagePage ?? null,
            product: d.product ?? null,
            manufacturer: d.manufacturer ?? null,
            kind: d.kind,
          })),
        };
      } catch (error) {
        return {
          available: false,
          message: error instanceof PosError ? error.message : 'USB HID scanning is not available on this machine.',
          devices: [],
        };
      }
    },
    'pos:print.receipt': async ({ orderId, copy }) => {
      const user = sessions.require();
      const order = orderView(orderId);
      if (copy)
        deps.audit.append({
          userId: user.id,
          action: 'receipt.reprint',
          object: `order:${orderId}`,
          detail: { number: order.number, printed: true },
        });
      return printJobView(
        await deps.devices.printer.printReceipt(
          buildReceipt(order, config.store, { copy, demo: config.demo, format: deps.format }),
        ),
      );
    },
    'pos:print.retry': async ({ jobId }) => {
      sessions.require();
      return printJobView(await deps.devices.printer.retry(jobId));
    },
    'pos:print.testPage': async () => {
      sessions.require();
      return printJobView(await deps.devices.printer.printTestPage());
    },
    'pos:drawer.noSale': async ({ reason, approval }) => {
      const user = sessions.require();
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'drawer.noSale',
        object: 'drawer',
        reason,
        approval,
      });
      deps.audit.append({
        userId: user.id,
        action: 'drawer.open',
        object: 'drawer',
        detail: { reason: 'no-sale', note: reason, approvedBy: approvedBy.id },
      });
      return printJobView(
        await deps.devices.printer.openDrawer({ kind: 'no-sale', approvedBy: approvedBy.name, note: reason }),
      );
    },

    'pos:demo.scan': ({ code }) => {
      sessions.require();
      demoOnly().scanner.scan(code);
      return { ok: true as const };
    },
    'pos:demo.terminal': () => demoOnly().waiting(),
    'pos:demo.act': ({ provider, key, action }) => {
      demoOnly().act(provider, key, action);
      return { ok: true as const };
    },
  };
}
