-- Hint connector bookkeeping.
-- hint_sync_state: per link, the field values Tandem and Hint last agreed on (the merge base
-- for field-level conflict resolution and echo suppression). Holds PHI like the records do.
CREATE TABLE hint_sync_state (
  link_id      uuid PRIMARY KEY REFERENCES links(id) ON DELETE CASCADE,
  practice_id  uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  snapshot     jsonb NOT NULL DEFAULT '{}',
  updated_at   timestamptz(3) NOT NULL DEFAULT now()
);

-- InstantOn sessions: a staff member starting "Connect Hint" in Tandem gets a short-lived
-- session (a cookie), so the code Hint appends to the redirect is tied to their practice.
CREATE TABLE hint_connect_sessions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id  uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  expires_at   timestamptz(3) NOT NULL,
  used_at      timestamptz(3)
);
