-- Running Tandem processes and their job workers. A process that stops heartbeating is dead,
-- and the jobs its workers had locked are released at once instead of after graphile-worker's
-- four-hour lock timeout (so a crash mid-job delays that job by seconds, not hours).
CREATE TABLE worker_nodes (
  node_id       text PRIMARY KEY,
  worker_ids    text[] NOT NULL DEFAULT '{}',
  started_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now()
);
