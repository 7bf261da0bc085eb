// What an operator watches, in Prometheus's format (prom-client). One registry per process;
// counters and histograms are this process's own, gauges read from the database at scrape time
// are the whole installation's (the same from any process). Labels carry route patterns, task
// names, systems and connection ids — never a record id, a name or anything a patient typed.
import client from 'prom-client';
import type { Db } from './db/pool.ts';
import { loopOwnership } from './jobs/leases.ts';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'tandem_' });

export const httpDuration = new client.Histogram({
  name: 'tandem_http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status class, and how long they took',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const jobDuration = new client.Histogram({
  name: 'tandem_job_duration_seconds',
  help: 'Jobs run by this process, by task and outcome, and how long they took',
  labelNames: ['task', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
  registers: [registry],
});

export const jobLatency = new client.Histogram({
  name: 'tandem_job_latency_seconds',
  help: 'Time from when a job could run (run_at) to when this process started it, by task',
  labelNames: ['task'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 15, 60, 300],
  registers: [registry],
});

export const matcherDecisions = new client.Counter({
  name: 'tandem_matcher_decisions_total',
  help: 'Patient matcher decisions for one incoming record (match, review, new)',
  labelNames: ['decision'] as const,
  registers: [registry],
});

interface GaugeRow {
  [label: string]: string | number | null;
  value: number;
}

/** A gauge whose values are read with one SQL query at scrape time. */
function sqlGauge(db: Db, name: string, help: string, labelNames: string[], sql: string): void {
  new client.Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await db.query<GaugeRow>(sql).catch(() => ({ rows: [] as GaugeRow[] }));
      for (const row of rows) {
        const labels = Object.fromEntries(labelNames.map((l) => [l, String(row[l] ?? '')]));
        this.set(labels, Number(row.value));
      }
    },
  });
}

let installed = false;

/** The gauges that need this process's database pool; once per process. */
export function installDatabaseGauges(db: Db): void {
  if (installed) return;
  installed = true;
  sqlGauge(
    db,
    'tandem_jobs',
    'Jobs in the queue by task and state (queued, running, failed = out of attempts)',
    ['task', 'state'],
    `SELECT task_identifier AS task,
            CASE WHEN attempts >= max_attempts THEN 'failed' WHEN locked_at IS NOT NULL THEN 'running' ELSE 'queued' END AS state,
            count(*)::int AS value
       FROM graphile_worker.jobs GROUP BY 1, 2`,
  );
  sqlGauge(
    db,
    'tandem_outbox_backlog',
    'Hub changes not yet dispatched to the connectors',
    [],
    'SELECT count(*)::int AS value FROM domain_events WHERE dispatched_at IS NULL',
  );
  sqlGauge(
    db,
    'tandem_webhook_ingest_lag_seconds',
    'Age of the oldest received webhook event not yet processed, by connection',
    ['connection'],
    `SELECT connection_id AS connection, extract(epoch FROM now() - min(received_at))::float AS value
       FROM inbox WHERE status = 'pending' GROUP BY 1`,
  );
  sqlGauge(
    db,
    'tandem_connection_errored_links',
    'Links in error per connection (the record cannot sync until fixed)',
    ['system', 'connection'],
    `SELECT c.system, c.id AS connection, count(l.id)::int AS value
       FROM connections c LEFT JOIN links l ON l.connection_id = c.id AND l.status = 'errored'
      WHERE c.status = 'active' GROUP BY 1, 2`,
  );
  sqlGauge(
    db,
    'tandem_connection_last_sync_timestamp_seconds',
    'When a record last synced on each connection (Unix time)',
    ['system', 'connection'],
    `SELECT c.system, c.id AS connection, coalesce(extract(epoch FROM max(l.last_synced_at)), 0)::float AS value
       FROM connections c LEFT JOIN links l ON l.connection_id = c.id
      WHERE c.status = 'active' GROUP BY 1, 2`,
  );
  new client.Gauge({
    name: 'tandem_db_pool_connections',
    help: "This process's PostgreSQL pool: total, idle, and requests waiting for a connection",
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, db.totalCount);
      this.set({ state: 'idle' }, db.idleCount);
      this.set({ state: 'waiting' }, db.waitingCount);
    },
  });
  new client.Gauge({
    name: 'tandem_loop_owned',
    help: 'Long-lived loops (pollers, stream subscribers) this process runs now (1) or stands by for (0)',
    labelNames: ['loop'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { loop, owned } of loopOwnership()) this.set({ loop }, owned ? 1 : 0);
    },
  });
}
