-- Hint's patient PATCH must carry the legal names, so a write of other fields echoes the names
-- Hint held when we read it just before. A rename made in Hint between that read and our write
-- is overwritten by the echo; its webhook then arrives older than our write. The echo is kept
-- per link (the names sent, and the versions read before and answered after) so that such a
-- webhook is recognised and the rename replayed in Hint instead of dropped as stale.
ALTER TABLE hint_sync_state ADD COLUMN name_echo jsonb;
