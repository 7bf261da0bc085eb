-- The Hint embedded app: sessions minted by the signed handshake, and the handshakes seen
-- (a replayed signed body is refused).

-- One row per handshake answered. The session key itself is never stored: only its SHA-256.
-- Bound to the practice and the Hint connection it came through; a deactivated connection
-- ends its sessions at once (every call joins the connection's status).
CREATE TABLE hint_app_sessions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id    uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  connection_id  uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  key_hash       bytea NOT NULL UNIQUE,
  hint_user_id   text NOT NULL,
  user_name      text NOT NULL,
  user_email     text NOT NULL,
  partner_roles  text[] NOT NULL,
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  expires_at     timestamptz(3) NOT NULL,
  revoked_at     timestamptz(3)
);
CREATE INDEX hint_app_sessions_connection ON hint_app_sessions (connection_id) WHERE revoked_at IS NULL;

-- SHA-256 of every signed handshake body accepted, kept past the timestamp window so that
-- the same signed body cannot be answered twice.
CREATE TABLE hint_app_handshakes (
  body_hash  bytea PRIMARY KEY,
  seen_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX hint_app_handshakes_seen ON hint_app_handshakes (seen_at);
