// Child process for bench/hint-emulator.ts: runs the Hint emulator alone (rate limit off)
// on 127.0.0.1, reports its URL to the parent over IPC, and exits when told or orphaned.
import { startEmulator } from '../src/emulators/hint/index.ts';

const seed = Number(process.env.HINT_BENCH_SEED ?? 500);
const running = await startEmulator({ port: 0, host: '127.0.0.1', seed, rateLimit: 0, logger: false });
process.send?.({ url: running.url });
const stop = () => {
  void running.close().then(() => process.exit(0));
};
process.on('message', (message) => {
  if (message === 'stop') stop();
});
process.on('disconnect', stop);
