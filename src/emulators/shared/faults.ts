// Fault injection shared by the emulators: answer some requests with an error status,
// add latency, or both, so clients can be tested against outages and slowness.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

export const faultSchema = z
  .object({
    status: z.number().int().min(400).max(599).optional(),
    count: z.number().int().min(1).optional(), // fail the next N matching requests
    rate: z.number().min(0).max(1).optional(), // or fail this fraction of them
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    // The request is carried out, then its answer held back this long: the platform did the
    // work and the client hears late (a slow network, a timeout after commit).
    latencyAfterMs: z.number().int().min(0).max(60_000).optional(),
    path: z.string().optional(), // substring of the URL to match; all when absent
    method: z.string().optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((f) => f.status !== undefined || f.latencyMs !== undefined || f.latencyAfterMs !== undefined, {
    message: 'a fault needs a status, a latencyMs or a latencyAfterMs',
  });
export type FaultSpec = z.infer<typeof faultSchema>;

interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number | undefined;
  hits: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  constructor(private readonly random: () => number = Math.random) {}

  add(spec: FaultSpec): ActiveFault {
    const fault = { ...spec, id: this.nextId++, remaining: spec.count, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return [...this.faults];
  }

  /** Picks the fault that applies to this request, consuming one of its count. */
  take(method: string, url: string): ActiveFault | undefined {
    for (const f of this.faults) {
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
      if (f.path && !url.includes(f.path)) continue;
      if (f.rate !== undefined && this.random() >= f.rate) continue;
      if (f.remaining !== undefined) {
        f.remaining -= 1;
        if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
      }
      f.hits += 1;
      return f;
    }
    return undefined;
  }

  /**
   * Installs an onRequest hook on the API routes (never on the harness under /_emulator).
   * errorBody renders the platform's own error shape for the status.
   */
  install(app: FastifyInstance, errorBody: (status: number) => unknown): void {
    holdAnswers(app);
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.url.startsWith('/_emulator')) return;
      const fault = this.take(request.method, request.url);
      if (!fault) return;
      holdAnswer(request, fault);
      if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.status === undefined) return;
      if (fault.retryAfterSeconds !== undefined) reply.header('retry-after', String(fault.retryAfterSeconds));
      return reply.code(fault.status).send(errorBody(fault.status));
    });
  }
}

const held = new WeakMap<FastifyRequest, number>();

/** Marks a request whose answer the fault holds back after it is carried out. */
export function holdAnswer(request: FastifyRequest, fault: FaultSpec): void {
  if (fault.latencyAfterMs) held.set(request, fault.latencyAfterMs);
}

/** Holds back the answers of requests marked by holdAnswer (an emulator installs it once). */
export function holdAnswers(app: FastifyInstance): void {
  app.addHook('onSend', async (request) => {
    const ms = held.get(request);
    if (ms) await new Promise((r) => setTimeout(r, ms));
  });
}
