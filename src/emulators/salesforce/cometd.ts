// The Streaming API's CometD (Bayeux 1.0) endpoint, /cometd/XX.X, long-polling only:
// handshake, subscribe (with the replay extension: -1 new events, -2 every retained event, or
// a stored replay id), connect (held until an event arrives or the timeout), unsubscribe,
// disconnect. Change events reach a waiting connect as soon as their transaction commits.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SalesforceContext } from './context.ts';
import { SfError } from './errors.ts';
import { ALL_CHANGES, channelFor, cometdMessage, type ChangeEvent } from './events.ts';

interface Message {
  channel?: string;
  clientId?: string;
  id?: string;
  subscription?: string | string[];
  ext?: { replay?: Record<string, number | string> };
  advice?: { timeout?: number };
}

interface Waiter {
  resolve: () => void;
  timer: NodeJS.Timeout;
}

interface Client {
  id: string;
  userId: string;
  subscriptions: Set<string>;
  queue: Record<string, unknown>[];
  waiter: Waiter | null;
  lastSeen: number;
  connected: boolean;
}

const ADVICE = { interval: 0, timeout: 110_000, reconnect: 'retry' };

export class CometdServer {
  readonly clients = new Map<string, Client>();
  private readonly unlisten: () => void;

  constructor(private readonly ctx: SalesforceContext) {
    this.unlisten = ctx.org.events.listen((event) => this.deliver(event));
  }

  close(): void {
    this.unlisten();
    for (const client of this.clients.values()) this.wake(client);
    this.clients.clear();
  }

  /** Channels a subscriber may use: one per object with change events on, and the all-changes channel. */
  private validChannel(channel: string): boolean {
    if (channel === ALL_CHANGES) return true;
    for (const object of this.ctx.org.schema.keys())
      if (channelFor(object) === channel) return this.ctx.org.events.enabled(object);
    return false;
  }

  private deliver(event: ChangeEvent): void {
    for (const client of this.clients.values()) {
      for (const channel of client.subscriptions) {
        if (channel === event.channel || channel === ALL_CHANGES) client.queue.push(cometdMessage(event, channel));
      }
      if (client.queue.length) this.wake(client);
    }
  }

  private wake(client: Client): void {
    const waiter = client.waiter;
    if (!waiter) return;
    client.waiter = null;
    clearTimeout(waiter.timer);
    waiter.resolve();
  }

  private sweep(): void {
    const idle = Date.now() - (this.ctx.org.config.connectTimeoutMs + 40_000);
    for (const [id, c] of this.clients) if (!c.waiter && c.lastSeen < idle) this.clients.delete(id);
  }

  /** Answers one POSTed batch of Bayeux messages. */
  async handle(messages: Message[], authorization: string | undefined): Promise<Record<string, unknown>[]> {
    this.sweep();
    const out: Record<string, unknown>[] = [];
    let user: { id: string } | undefined;
    try {
      user = this.ctx.auth.session(authorization).user;
    } catch (error) {
      if (!(error instanceof SfError)) throw error;
    }
    for (const m of messages) {
      const base = { channel: m.channel, id: m.id, clientId: m.clientId };
      if (!user) {
        const handshake = m.channel === '/meta/handshake';
        if (m.clientId) this.clients.delete(m.clientId);
        out.push({
          ...base,
          successful: false,
          error: handshake ? '403::Handshake denied' : '401::Authentication invalid',
          ext: { sfdc: { failureReason: '401::Authentication invalid' }, replay: true },
          advice: { reconnect: handshake ? 'none' : 'handshake' },
        });
        continue;
      }
      if (m.channel === '/meta/handshake') {
        const client: Client = {
          id: randomUUID().replace(/-/g, ''),
          userId: user.id,
          subscriptions: new Set(),
          queue: [],
          waiter: null,
          lastSeen: Date.now(),
          connected: false,
        };
        this.clients.set(client.id, client);
        out.push({
          channel: '/meta/handshake',
          id: m.id,
          version: '1.0',
          minimumVersion: '1.0',
          supportedConnectionTypes: ['long-polling'],
          clientId: client.id,
          successful: true,
          advice: ADVICE,
          ext: { replay: true, 'payload.format': true },
        });
        continue;
      }
      const client = m.clientId ? this.clients.get(m.clientId) : undefined;
      if (!client) {
        out.push({
          ...base,
          successful: false,
          error: '403::Unknown client',
          advice: { reconnect: 'handshake', interval: 0 },
        });
        continue;
      }
      client.lastSeen = Date.now();
      if (m.channel === '/meta/subscribe') out.push(this.subscribe(client, m));
      else if (m.channel === '/meta/unsubscribe') {
        for (const s of [m.subscription ?? []].flat()) client.subscriptions.delete(s);
        out.push({ ...base, subscription: m.subscription, successful: true });
      } else if (m.channel === '/meta/disconnect') {
        this.wake(client);
        this.clients.delete(client.id);
        out.push({ ...base, successful: true });
      } else if (m.channel === '/meta/connect') {
        await this.connect(client, m);
        out.push(...client.queue.splice(0));
        out.push({ ...base, successful: true, advice: ADVICE });
      } else {
        out.push({ ...base, successful: false, error: `405::Publishing to ${m.channel ?? ''} is not supported` });
      }
    }
    return out;
  }

  private subscribe(client: Client, m: Message): Record<string, unknown> {
    const base = { channel: '/meta/subscribe', id: m.id, clientId: client.id, subscription: m.subscription };
    const channels = [m.subscription ?? []].flat();
    for (const channel of channels) {
      if (!this.validChannel(channel))
        return {
          ...base,
          successful: false,
          error: `400::The channel you requested to subscribe to does not exist {${channel}}`,
        };
      const raw = m.ext?.replay?.[channel];
      const replayId = raw === undefined ? -1 : Number(raw);
      const events = this.ctx.org.events.retained().filter((e) => channel === ALL_CHANGES || e.channel === channel);
      const newest = this.ctx.org.events.nextReplayId - 1;
      const oldest = this.ctx.org.events.retained()[0]?.replayId ?? newest + 1;
      const valid =
        replayId === -1 ||
        replayId === -2 ||
        (Number.isInteger(replayId) && replayId >= oldest - 1 && replayId <= newest);
      if (!valid)
        return {
          ...base,
          successful: false,
          error: `400::The replayId {${String(raw)}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
        };
      client.subscriptions.add(channel);
      if (replayId !== -1)
        for (const e of events)
          if (replayId === -2 || e.replayId > replayId) client.queue.push(cometdMessage(e, channel));
    }
    if (client.queue.length) this.wake(client);
    return { ...base, successful: true };
  }

  private connect(client: Client, m: Message): Promise<void> {
    this.wake(client); // a newer connect replaces one still waiting
    const first = !client.connected || m.advice?.timeout === 0;
    client.connected = true;
    if (client.queue.length || first) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        client.waiter = null;
        resolve();
      }, this.ctx.org.config.connectTimeoutMs);
      timer.unref();
      client.waiter = { resolve, timer };
    });
  }
}

export function cometdRoutes(app: FastifyInstance, ctx: SalesforceContext): CometdServer {
  const server = new CometdServer(ctx);
  const handler = async (request: { body: unknown; headers: Record<string, unknown> }) => {
    const body = request.body;
    const messages = (Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : []) as Message[];
    if (!messages.length) throw new SfError(400, 'INVALID_INPUT', 'A Bayeux message or array of messages is required');
    return server.handle(messages, request.headers.authorization as string | undefined);
  };
  app.post('/cometd/:version', handler);
  app.post('/cometd/replay/:version', handler);
  // Harness: the subscribers listening now (a connect held, or one within the connect timeout and
  // a few seconds of slack), with their channels: "how many processes stream this org's changes".
  app.get('/_emulator/streaming/subscribers', async () => {
    const recent = Date.now() - (ctx.org.config.connectTimeoutMs + 5_000);
    return [...server.clients.values()]
      .filter((c) => c.subscriptions.size > 0 && (c.waiter !== null || c.lastSeen >= recent))
      .map((c) => ({ clientId: c.id, channels: [...c.subscriptions], waiting: c.waiter !== null }));
  });
  app.addHook('onClose', async () => server.close());
  return server;
}
