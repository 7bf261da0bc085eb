// Hint traffic for the chaos suite. The patients really live in the Hint emulator: each create
// and edit is made there first (a practice user at work), and its answer becomes the webhook
// event Hint would send, so the emulator's final state is the ordered, single-delivery replay.
// The events are then delivered the way a bad network delivers them: some three times, shuffled
// within a window, to any api process, retried on anything but a 2xx (as Hint retries).
import { signBody } from '../../src/connectors/hint/webhooks.ts';
import type { ChaosWorld } from './chaos-world.ts';

export interface HintEvent {
  id: string;
  body: string;
}

export interface HintPractice {
  connectionId: string;
  hintPracticeId: string;
  /** The emulator's count of patient-value writes when the practice connected (echoes are counted from there). */
  valueWritesBefore: number;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'bi', 'da', 'fu', 'go', 'he', 'ju', 'pe'];
const LAST_NAMES = ['Avery', 'Brook', 'Carter', 'Dale', 'Ellis', 'Fenn', 'Grove'];
/**
 * A distinct, pronounceable first name per index, unlike its neighbours' (the index is spread
 * over 16^5 names first): people whose names differ by one syllable and who share a birthday
 * are what the matcher rightly sends to review, and the suite is about delivery, not matching.
 */
const nameOf = (i: number) => {
  let s = '';
  for (let n = 65_536 + ((i * 40_503) % 983_040); n > 0; n = Math.floor(n / 16)) s += SYLLABLES[n % 16];
  return s[0]!.toUpperCase() + s.slice(1);
};
/**
 * A surname of its own per person, the family part changing with each edit round: a whole
 * burst sharing one surname made people whose birthdays differ in one part look like
 * relatives, and the matcher (rightly) sent some to review instead of creating them.
 */
const surnameOf = (i: number, round: number) => `${LAST_NAMES[round % LAST_NAMES.length]}-${nameOf(i + 1_000_003)}`;
/** A distinct date of birth per index, 211 days apart (mod 60 years). */
const dobOf = (i: number) =>
  new Date(Date.UTC(1940, 0, 1) + ((i * 211) % 21_900) * 86_400_000).toISOString().slice(0, 10);

/** A fresh Hint practice, not connected yet (its connection id is set by connectHintPractice). */
export async function createHintPractice(w: ChaosWorld, name: string): Promise<HintPractice> {
  const practice = await w.hintHarness('POST', '/_emulator/practices', { name });
  return { connectionId: '', hintPracticeId: practice.id, valueWritesBefore: 0 };
}

/**
 * Connects the practice through InstantOn (a code, as Hint's button gives). Done after its
 * history is made, so the only deliveries are the suite's own: while practice users edit a
 * patient, Tandem's id write-back (which must carry the names Hint holds) can overwrite a rename
 * made between its read and its write — a window of milliseconds that the suite would otherwise
 * widen into seconds (see docs/operations.md, "Chaos suite").
 */
export async function connectHintPractice(w: ChaosWorld, practice: HintPractice): Promise<void> {
  const { code } = await w.hintHarness('POST', `/_emulator/practices/${practice.hintPracticeId}/instanton-code`, {});
  practice.valueWritesBefore = (await w.hintHarness('GET', '/_emulator/bench/patient-writes')).values;
  practice.connectionId = (await w.api('POST', '/api/v1/hint/connections', { code })).id;
}

async function inParallel<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export interface ExpectedPatient {
  lastName: string;
  email: string;
}

/**
 * Creates `patients` patients in the emulator, then edits each `edits` times (a round at a time,
 * the emulated clock two seconds on between rounds so every version has its own updated_at).
 */
export async function makeHintHistory(
  w: ChaosWorld,
  practice: HintPractice,
  patients: number,
  edits: number,
  tag: string,
): Promise<{ events: HintEvent[]; expected: Map<string, ExpectedPatient> }> {
  const events: HintEvent[] = [];
  const expected = new Map<string, ExpectedPatient>();
  const ids: string[] = [];
  const record = (type: string, object: any) => {
    const id = `evt-chaos-${tag}-${events.length}`;
    const envelope = { id, created_at: new Date().toISOString(), type, practice_id: practice.hintPracticeId, object };
    events.push({ id, body: JSON.stringify(envelope) });
    expected.set(object.id, { lastName: object.last_name, email: object.email });
  };
  const base = `/_emulator/practices/${practice.hintPracticeId}/patients`;
  await inParallel(
    Array.from({ length: patients }, (_, i) => i),
    16,
    async (i) => {
      const p = await w.hintHarness('POST', base, {
        first_name: nameOf(i),
        last_name: surnameOf(i, 0),
        email: `${tag}.${i}.r0@chaos.test`,
        dob: dobOf(i),
      });
      ids[i] = p.id;
      record('patient.created', p);
    },
  );
  for (let round = 1; round <= edits; round++) {
    await w.hintHarness('POST', '/_emulator/clock', { advanceMs: 2000 });
    await inParallel(
      ids.map((id, i) => ({ id, i })),
      16,
      async ({ id, i }) => {
        const p = await w.hintHarness('PATCH', `${base}/${id}`, {
          last_name: surnameOf(i, round),
          email: `${tag}.${i}.r${round}@chaos.test`,
        });
        record('patient.updated', p);
      },
    );
  }
  return { events, expected };
}

/** Every event once, a fraction of them three times, shuffled within windows of `window`. */
export function deliveryPlan(events: HintEvent[], duplicateFraction: number, window: number): HintEvent[] {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const plan = events.flatMap((e) => (random() < duplicateFraction ? [e, e, e] : [e]));
  for (let start = 0; start < plan.length; start += window) {
    const end = Math.min(plan.length, start + window);
    for (let i = end - 1; i > start; i--) {
      const j = start + Math.floor(random() * (i - start + 1));
      [plan[i], plan[j]] = [plan[j]!, plan[i]!];
    }
  }
  return plan;
}

export interface DeliveryStats {
  sent: number;
  /** 200 {duplicate:false}: stored by this delivery. */
  stored: number;
  /** 200 {duplicate:true}: already in the inbox, acknowledged without a second row. */
  duplicates: number;
  /** 503 answers carrying Retry-After (the database was away), then retried. */
  unavailable: number;
  /** 503 without Retry-After, 500s or other answers: each one is a bug. */
  unexpected: number;
  /** No answer (process down, connection cut), then retried on another api. */
  networkErrors: number;
  /** Event ids acknowledged with a 200, with when. */
  acknowledged: Map<string, number>;
  lastAckAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Delivers the plan with `concurrency` senders, round-robin over the api processes, retrying until each is a 2xx. */
export const newStats = (): DeliveryStats => ({
  sent: 0,
  stored: 0,
  duplicates: 0,
  unavailable: 0,
  unexpected: 0,
  networkErrors: 0,
  acknowledged: new Map(),
  lastAckAt: 0,
});

/** `stats` is filled as deliveries go, so a caller can watch progress. */
export async function deliver(
  w: ChaosWorld,
  plan: HintEvent[],
  options: { concurrency: number; deadlineMs: number; spreadOverMs?: number },
  stats: DeliveryStats = newStats(),
): Promise<DeliveryStats> {
  // Paced (spreadOverMs): each sender rests between events so the plan lasts about that long.
  const restMs = ((options.spreadOverMs ?? 0) * options.concurrency) / Math.max(1, plan.length);
  const secret = w.hint.creds.webhookSecret;
  const deadline = Date.now() + options.deadlineMs;
  let turn = 0;
  const once = async (e: HintEvent) => {
    for (;;) {
      if (Date.now() > deadline) throw new Error(`deliveries still failing after ${options.deadlineMs} ms`);
      const api = w.apis[turn++ % w.apis.length]!;
      stats.sent += 1;
      let res: Response;
      try {
        res = await fetch(`${api.url}/webhooks/hint`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hint-signature': signBody(secret, e.body) },
          body: e.body,
          signal: AbortSignal.timeout(15_000),
        });
      } catch {
        stats.networkErrors += 1;
        await sleep(200);
        continue;
      }
      const text = await res.text();
      if (res.status === 200) {
        if ((JSON.parse(text) as { duplicate: boolean }).duplicate) stats.duplicates += 1;
        else stats.stored += 1;
        stats.acknowledged.set(e.id, Date.now());
        stats.lastAckAt = Date.now();
        if (restMs) await sleep(restMs);
        return;
      }
      const retryAfter = Number(res.headers.get('retry-after'));
      if (res.status === 503 && retryAfter > 0) {
        stats.unavailable += 1;
        // Honour it, shortened for the bench: Hint's own retries are an hour apart.
        await sleep(Math.min(retryAfter * 1000, 1000));
      } else {
        stats.unexpected += 1;
        await sleep(200);
      }
    }
  };
  await inParallel(plan, options.concurrency, once);
  return stats;
}
