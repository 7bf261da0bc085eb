// Child process for bench/healthengine-emulator.ts: the emulator on 127.0.0.1, port sent back by IPC.
import { startEmulator } from '../src/emulators/healthengine/index.ts';

const running = await startEmulator({ port: 0, host: '127.0.0.1', seed: 1 });
process.send?.({ url: running.url });
process.on('disconnect', () => {
  void running.close().then(() => process.exit(0));
});
