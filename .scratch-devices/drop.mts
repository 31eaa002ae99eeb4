import { startPrinterSink } from '../src-main/demo/printer-sink';
import { createTcpTransport } from '../src-main/devices/printer/tcp-transport';
const sink = await startPrinterSink();
await sink.setMode('drop');
const t = createTcpTransport({ host: sink.host, port: sink.port });
for (let i = 0; i < 5; i++) console.log(await t.send(Buffer.alloc(2000, 0x41)).then(() => 'ok', (e) => e.message));
for (let i = 0; i < 3; i++) console.log(await t.send(Buffer.alloc(2, 0x41)).then(() => 'ok', (e) => e.message));
await sink.close();
