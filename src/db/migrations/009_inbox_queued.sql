-- Inbox rows are handed to jobs by marking each row (queued_at), not by an id cursor: ids are
-- taken when rows are inserted but become visible when their transactions commit, in any
-- order, so a cursor could step past a row that commits late and lose that event.
ALTER TABLE inbox ADD COLUMN queued_at timestamptz(3);
UPDATE inbox i SET queued_at = now() FROM hint_inbox_cursor c WHERE c.connection_id = i.connection_id AND i.id <= c.last_id;
CREATE INDEX inbox_unqueued ON inbox (connection_id, id) WHERE status = 'pending' AND queued_at IS NULL;
DROP TABLE hint_inbox_cursor;
