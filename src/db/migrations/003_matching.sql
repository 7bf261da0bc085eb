-- Indexes for finding a person's candidate twins among a practice's patients (blocking).
CREATE INDEX patients_practice_phones ON patients USING gin (phones jsonb_path_ops) WHERE deleted_at IS NULL;
CREATE INDEX patients_practice_medicare ON patients (practice_id, medicare_number) WHERE deleted_at IS NULL AND medicare_number IS NOT NULL;
CREATE INDEX match_reviews_remote ON match_reviews (connection_id, entity_kind, remote_id) WHERE status = 'pending';
