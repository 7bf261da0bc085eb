-- Token and practice lifecycle: a practice can be disabled (its tokens and sessions stop
-- working, nothing is deleted), and every change that can end someone's access notifies
-- 'tandem_auth' so each Tandem process drops its cached credentials at once. The triggers sit
-- on the tables, so a revocation by SQL, by the CLI or by the API invalidates alike.
ALTER TABLE practices ADD COLUMN disabled_at timestamptz;

CREATE FUNCTION tandem_notify_auth_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tandem_auth', TG_TABLE_NAME);
  RETURN NULL;
END $$;

CREATE TRIGGER api_tokens_auth_change AFTER UPDATE OF revoked_at, practice_id, token_hash ON api_tokens
  FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.practice_id IS DISTINCT FROM NEW.practice_id
    OR OLD.token_hash IS DISTINCT FROM NEW.token_hash)
  EXECUTE FUNCTION tandem_notify_auth_change();
CREATE TRIGGER api_tokens_auth_delete AFTER DELETE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION tandem_notify_auth_change();
CREATE TRIGGER practices_auth_change AFTER UPDATE OF disabled_at ON practices
  FOR EACH ROW WHEN (OLD.disabled_at IS DISTINCT FROM NEW.disabled_at)
  EXECUTE FUNCTION tandem_notify_auth_change();
CREATE TRIGGER practices_auth_delete AFTER DELETE ON practices
  FOR EACH ROW EXECUTE FUNCTION tandem_notify_auth_change();
