// Child process for bench/salesforce-emulator.ts: runs the Salesforce emulator alone on
// 127.0.0.1 (seeded, allowance raised), reports its URL over IPC, exits when told or orphaned.
import { startEmulator } from '../src/emulators/salesforce/index.ts';

const seed = Number(process.env.SALESFORCE_BENCH_SEED ?? 5000);
const running = await startEmulator({
  port: 0,
  host: '127.0.0.1',
  seed,
  logger: false,
  config: { dailyApiRequests: 1e9 },
});
process.send?.({ url: running.url });
const stop = () => {
  void running.close().then(() => process.exit(0));
};
process.on('message', (message) => {
  if (message === 'stop') stop();
});
process.on('disconnect', stop);
