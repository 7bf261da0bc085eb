// Child process for the Hint benchmarks: runs the Hint emulator alone (rate limit off) on
// 127.0.0.1, reports its URL to the parent over IPC, and exits when told or orphaned.
// GET /_emulator/bench/patient-writes counts the partner's successful writes to patients:
// `ids` changed no patient value (the id write-back, Tandem's own integration fields), `values`
// changed one (an echo, when Tandem had only received changes from Hint). The chaos suite reads it.
import { buildHintEmulator } from '../src/emulators/hint/index.ts';

const seed = Number(process.env.HINT_BENCH_SEED ?? 500);
const { app, state } = buildHintEmulator({ seed, rateLimit: 0, logger: false });
const writes = {
  ids: 0,
  values: 0,
  samples: [] as { id: string; fields: string[]; changed: Record<string, [unknown, unknown]>; at: string }[],
};
const PATIENT_WRITE = /^\/api\/provider\/patients\/([^/?]+)(\?|$)/;
const before = new WeakMap<object, { updatedAt?: number; record: Record<string, unknown> }>();
app.addHook('preHandler', async (request) => {
  const id = request.method === 'PATCH' || request.method === 'PUT' ? PATIENT_WRITE.exec(request.url)?.[1] : undefined;
  if (!id) return;
  const patient = state.data.patients.get(decodeURIComponent(id));
  before.set(request, { updatedAt: patient?.updatedAt, record: JSON.parse(JSON.stringify(patient ?? {})) });
});
app.addHook('onResponse', async (request, reply) => {
  if (!before.has(request) || reply.statusCode >= 300) return;
  const id = decodeURIComponent(PATIENT_WRITE.exec(request.url)![1]!);
  const was = before.get(request)!;
  const now = state.data.patients.get(id);
  if (now?.updatedAt === was.updatedAt) writes.ids += 1;
  else {
    writes.values += 1;
    // The first few, to see which write it was (synthetic bench people: values are no PHI).
    if (writes.samples.length < 5) {
      const after = JSON.parse(JSON.stringify(now ?? {})) as Record<string, unknown>;
      const changed = Object.fromEntries(
        Object.keys(after)
          .filter((k) => k !== 'updatedAt' && JSON.stringify(after[k]) !== JSON.stringify(was.record[k]))
          .map((k) => [k, [was.record[k], after[k]] as [unknown, unknown]]),
      );
      writes.samples.push({ id, fields: Object.keys(request.body ?? {}), changed, at: new Date().toISOString() });
    }
  }
});
app.get('/_emulator/bench/patient-writes', async () => writes);
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.send?.({ url: `http://127.0.0.1:${port}` });
const stop = () => {
  void app.close().then(() => process.exit(0));
};
process.on('message', (message) => {
  if (message === 'stop') stop();
});
process.on('disconnect', stop);
