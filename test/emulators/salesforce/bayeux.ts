// A minimal Bayeux (CometD) long-polling client written from the protocol, independent of
// both the emulator and jsforce: handshake, subscribe with the replay extension, connect loop.
export interface BayeuxMessage {
  channel: string;
  successful?: boolean;
  error?: string;
  clientId?: string;
  data?: any;
  [key: string]: unknown;
}

export class BayeuxClient {
  clientId = '';
  received: BayeuxMessage[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private nextId = 1;

  constructor(
    private readonly endpoint: string,
    private readonly token: string,
  ) {}

  async send(messages: Record<string, unknown>[]): Promise<BayeuxMessage[]> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: { authorization: `OAuth ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(messages.map((m) => ({ id: String(this.nextId++), ...m }))),
    });
    if (!response.ok) throw new Error(`CometD answered HTTP ${response.status}`);
    return (await response.json()) as BayeuxMessage[];
  }

  async handshake(): Promise<BayeuxMessage> {
    const [reply] = await this.send([
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], ext: { replay: true } },
    ]);
    if (!reply?.successful) return reply!;
    this.clientId = reply.clientId!;
    return reply;
  }

  async subscribe(channel: string, replayId: number): Promise<BayeuxMessage> {
    const [reply] = await this.send([
      {
        channel: '/meta/subscribe',
        clientId: this.clientId,
        subscription: channel,
        ext: { replay: { [channel]: replayId } },
      },
    ]);
    return reply!;
  }

  /** Keeps one connect outstanding and records every event message. */
  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const replies = await this.send([
          { channel: '/meta/connect', clientId: this.clientId, connectionType: 'long-polling' },
        ]).catch(() => []);
        for (const m of replies) if (!m.channel.startsWith('/meta/')) this.received.push(m);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.send([{ channel: '/meta/disconnect', clientId: this.clientId }]).catch(() => []);
    await this.loop;
  }
}
