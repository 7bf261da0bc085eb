// A Hint benchmark world: the Hint emulator in its own child process (rate limit off unless
// set), `tandem start` in another, with the default practice connected to the emulator's
// first practice through the API. Everything on 127.0.0.1; stop() ends both children.
import { fork, type ChildProcess } from 'node:child_process';
import { startTandemProcess, type BenchTandem } from './tandem-process.ts';

export interface HintCreds {
  partnerApiKey: string;
  webhookSecret: string;
  practices: { id: string; accessToken: string }[];
}

export interface HintBench {
  emulatorUrl: string;
  emulatorPid: number | undefined;
  creds: HintCreds;
  tandem: BenchTandem;
  connectionId: string;
  api(method: string, path: string, body?: unknown): Promise<any>;
  harness(method: string, path: string, body?: unknown): Promise<any>;
  stop(): Promise<void>;
}

async function forkEmulator(seed: number): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(new URL('../hint-emulator-server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, HINT_BENCH_SEED: String(seed) },
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { child, url };
}

export async function startHintBench(options: {
  seed: number;
  env?: Record<string, string>;
  connect?: boolean;
}): Promise<HintBench> {
  const emulator = await forkEmulator(options.seed);
  const harness = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  };
  const creds = (await harness('GET', '/credentials')) as HintCreds;
  const tandem = await startTandemProcess({
    HINT_API_URL: emulator.url,
    HINT_PARTNER_API_KEY: creds.partnerApiKey,
    HINT_WEBHOOK_SECRET: creds.webhookSecret,
    TANDEM_SANDBOX: 'off',
    ...options.env,
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${tandem.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tandem.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  let connectionId = '';
  if (options.connect !== false)
    connectionId = (await api('POST', '/api/v1/hint/connections', { accessToken: creds.practices[0]!.accessToken })).id;
  return {
    emulatorUrl: emulator.url,
    emulatorPid: emulator.child.pid,
    creds,
    tandem,
    connectionId,
    api,
    harness,
    async stop() {
      await tandem.stop();
      emulator.child.send('stop');
      await new Promise((r) => emulator.child.once('exit', r));
    },
  };
}
