-- The outbox, the audit trail and the log are append-only and written with every change.
-- A foreign key to practices made every write take a share lock on the practice's row, and
-- concurrent writers of one practice then contended on it (multixacts): dropping them raised
-- create throughput by a third. practice_id stays NOT NULL; deleting a practice deletes these
-- rows explicitly (see src/db/practices.ts), not by cascade.
ALTER TABLE domain_events DROP CONSTRAINT domain_events_practice_id_fkey;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_practice_id_fkey;
ALTER TABLE log_entries DROP CONSTRAINT log_entries_practice_id_fkey;
