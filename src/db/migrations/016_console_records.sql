-- Indexes for the console's record pages (issue 13).
-- The patient list filtered by link status (hint=errored): the links of one status are found
-- directly, so a rare status among 100,000 patients does not visit every patient.
CREATE INDEX links_patient_status ON links (practice_id, entity_kind, status, connection_id, local_id);
-- Overview: the last successful sync of each connection.
CREATE INDEX links_connection_synced ON links (connection_id, last_synced_at) WHERE last_synced_at IS NOT NULL;
-- A patient's timeline: its log lines, the batch items that decided about it, the reviews that
-- offered it as a candidate, and the inbound Hint events about its Hint record.
CREATE INDEX log_entries_entity ON log_entries (practice_id, entity_id) WHERE entity_id IS NOT NULL;
CREATE INDEX batch_items_local ON batch_items (practice_id, local_id) WHERE local_id IS NOT NULL;
CREATE INDEX match_reviews_candidates ON match_reviews USING gin (candidates jsonb_path_ops);
CREATE INDEX match_reviews_local ON match_reviews (practice_id, local_id) WHERE local_id IS NOT NULL;
CREATE INDEX inbox_subject ON inbox (connection_id, (payload #>> '{object,id}'));
