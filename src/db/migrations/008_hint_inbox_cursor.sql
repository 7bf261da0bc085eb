-- Hint webhook ingest stores only the inbox row (one INSERT, no NOTIFY: PostgreSQL serialises
-- committing transactions that notify). A drain job then turns new inbox rows into per-record
-- processing jobs in batches; this cursor marks the last inbox id it has enqueued.
CREATE TABLE hint_inbox_cursor (
  connection_id  uuid PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
  practice_id    uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  last_id        bigint NOT NULL DEFAULT 0,
  updated_at     timestamptz(3) NOT NULL DEFAULT now()
);
