// The Salesforce side of a bench: the emulator in this process with Tandem's metadata deployed,
// a JSON/text HTTP helper, and (once the bench has seeded what it needs) Tandem connected to
// the org with the JWT bearer flow through its API.
import { startEmulator } from '../../src/emulators/salesforce/index.ts';
import type { BenchTandem } from './tandem-process.ts';

export type Call = (
  base: string,
  method: string,
  path: string,
  body?: unknown,
  auth?: string,
  type?: string,
) => Promise<{ status: number; body: any }>;

export const call: Call = async (base, method, p, body, auth, type = 'application/json') => {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': type }),
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

export async function startSalesforceBench(tandem: BenchTandem) {
  const sf = await startEmulator({ seed: 0 });
  await call(sf.url, 'POST', '/_emulator/setup/deploy', {});
  return {
    url: sf.url,
    close: () => sf.close(),
    /** Connects Tandem's default practice to the org; returns the connection id. */
    async connect(): Promise<string> {
      const creds = (await call(sf.url, 'GET', '/_emulator/credentials')).body;
      const connected = await call(
        tandem.url,
        'POST',
        '/api/v1/salesforce/connections/jwt',
        {
          loginUrl: creds.loginUrl,
          clientId: creds.clientId,
          username: creds.username,
          privateKeyPem: creds.jwt.privateKeyPem,
        },
        tandem.token,
      );
      if (connected.status !== 201) throw new Error(`connect: ${JSON.stringify(connected.body)}`);
      return connected.body.connection.id as string;
    },
  };
}
