import { describe, expect, it } from 'vitest';
import { createDevicesStore } from '../../../../src-renderer/admin/devices-store';
import { createClient } from '../../../../src-renderer/api/client';
import { jobText } from '../../../../src-renderer/common/print-job-text';
import type { DevicesView, PrintJobView } from '../../../../src-shared/domain';
import { PosError } from '../../../../src-shared/errors';
import { fakeTransport, requiresApproval } from '../fake-transport';

function job(overrides: Partial<PrintJobView> = {}): PrintJobView {
  return {
    id: 1,
    kind: 'receipt',
    label: 'Receipt #7',
    state: 'done',
    attempts: 1,
    lastError: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}

function view(jobs: PrintJobView[] = []): DevicesView {
  return {
    scanner: {
      configured: true,
      state: 'connected',
      message: 'Demo scanner ready',
      device: 'Demo scanner',
      lastScanAt: null,
    },
    printer: { state: 'ready', message: 'Printer ready', transport: 'TCP 127.0.0.1:9100', queued: 0, jobs },
  };
}

const approval = { managerId: 'demo-manager', pin: '987654' };

describe('print job text', () => {
  it.each([
    [job({ state: 'done' }), 'Printed'],
    [job({ state: 'printing' }), 'Printing…'],
    [job({ state: 'queued', attempts: 0 }), 'Waiting to print'],
    [job({ state: 'queued', attempts: 2, lastError: 'Paper out' }), 'Waiting to print (last try failed: Paper out)'],
    [job({ state: 'failed', lastError: 'Cover open' }), 'Print failed: Cover open'],
  ] as const)('%#: %s', (printJob, text) => {
    expect(jobText(printJob)).toBe(text);
  });
});

describe('devices store', () => {
  it('reads the status, then follows pos:devices.changed', async () => {
    const transport = fakeTransport({ 'pos:devices.status': () => view() });
    const devices = createDevicesStore(createClient(transport));
    await devices.getState().load();
    expect(devices.getState().view?.printer.state).toBe('ready');
    transport.emit('pos:devices.changed', {
      ...view(),
      printer: { ...view().printer, state: 'attention', message: 'Cover open' },
    });
    expect(devices.getState().view?.printer.message).toBe('Cover open');
  });

  it('a receipt print follows its job: failed by reply, then printed after a retry reported by event', async () => {
    const transport = fakeTransport({
      'pos:print.receipt': ({ copy }) =>
        job({ id: 4, state: 'failed', lastError: 'Printer offline', label: copy ? 'Receipt #7 (copy)' : 'Receipt #7' }),
    });
    const devices = createDevicesStore(createClient(transport));
    await devices.getState().printReceipt('O7', true);
    expect(transport.calls.at(-1)?.payload).toEqual({ orderId: 'O7', copy: true });
    expect(devices.getState().receiptPrint).toMatchObject({
      orderId: 'O7',
      copy: true,
      job: { id: 4, state: 'failed' },
      error: null,
    });
    transport.handlers['pos:print.retry'] = ({ jobId }) => job({ id: jobId, state: 'queued', attempts: 1 });
    await devices.getState().retry(4);
    expect(devices.getState().receiptPrint?.job?.state).toBe('queued');
    transport.emit('pos:devices.changed', view([job({ id: 4, state: 'done', attempts: 2 })]));
    expect(devices.getState().receiptPrint?.job?.state).toBe('done');
  });

  it("a refused receipt print keeps main's sentence", async () => {
    const transport = fakeTransport({
      'pos:print.receipt': () => {
        throw new PosError('DEVICE_ERROR', 'No printer is set up.');
      },
    });
    const devices = createDevicesStore(createClient(transport));
    await devices.getState().printReceipt('O7', false);
    expect(devices.getState().receiptPrint).toMatchObject({ job: null, error: 'No printer is set up.' });
  });

  it('test page and HID list', async () => {
    const transport = fakeTransport({
      'pos:print.testPage': () => job({ id: 9, kind: 'test', label: 'Test page' }),
      'pos:devices.hidList': () => ({
        available: false,
        message: 'USB HID scanning is not available on this machine.',
        devices: [],
      }),
    });
    const devices = createDevicesStore(createClient(transport));
    await devices.getState().testPage();
    expect(devices.getState()).toMatchObject({ notice: 'Test page: Printed', busy: null });
    await devices.getState().findHid();
    expect(devices.getState().hid).toEqual({
      available: false,
      message: 'USB HID scanning is not available on this machine.',
      devices: [],
    });
  });

  it("a manager chooses the USB scanner; main's refusal is shown", async () => {
    const transport = fakeTransport({
      'pos:devices.chooseScanner': () => ({
        ...view(),
        scanner: { ...view().scanner, message: 'Honeywell 1950g ready' },
      }),
    });
    const devices = createDevicesStore(createClient(transport));
    expect(
      await devices.getState().chooseScanner({ type: 'hid', vendorId: 0x0c2e, productId: 0x0b61, usagePage: 0x8c }),
    ).toBe(true);
    expect(transport.calls.at(-1)?.payload).toEqual({
      type: 'hid',
      vendorId: 0x0c2e,
      productId: 0x0b61,
      usagePage: 0x8c,
    });
    expect(devices.getState()).toMatchObject({
      notice: 'Scanner chosen: Honeywell 1950g ready',
      view: { scanner: { message: 'Honeywell 1950g ready' } },
    });
    transport.handlers['pos:devices.chooseScanner'] = () => {
      throw new PosError('FORBIDDEN', "Only a manager can change the till's settings.");
    };
    expect(await devices.getState().chooseScanner({ type: 'none' })).toBe(false);
    expect(devices.getState().error).toBe("Only a manager can change the till's settings.");
  });

  it("no-sale drawer: the approval goes to main; a refusal is the dialog's sentence", async () => {
    const transport = fakeTransport({
      'pos:drawer.noSale': requiresApproval(() => job({ id: 3, kind: 'drawer', label: 'Drawer: no sale' })),
    });
    const devices = createDevicesStore(createClient(transport));
    expect(await devices.getState().noSale('Change for the float', approval)).toBeNull();
    expect(transport.calls.at(-1)?.payload).toEqual({ reason: 'Change for the float', approval });
    expect(devices.getState().notice).toBe('Drawer opened (no sale).');
    transport.handlers['pos:drawer.noSale'] = () => {
      throw new PosError('APPROVAL_REQUIRED', 'Only a manager can approve this.', 'approval');
    };
    expect(await devices.getState().noSale('Change for the float', approval)).toBe('Only a manager can approve this.');
  });
});
