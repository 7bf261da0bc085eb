-- Hint activations that no Tandem admin asked for: a headless POST /hint/connect/:code, or an
-- InstantOn redirect without a live connect session, for a Hint practice bound to no Tandem
-- practice yet. The code is exchanged at once (codes are short-lived) and the practice token
-- parked here, sealed like connection credentials, until an admin of the default practice
-- approves (a connection is created for the approver's practice) or rejects (the token is
-- dropped). Nothing flows to or from a parked Hint practice.
CREATE TABLE hint_pending_activations (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  hint_practice_id       text NOT NULL,
  hint_practice_name     text,
  integration_id         text,
  source                 text NOT NULL CHECK (source IN ('headless', 'redirect')),
  credentials_encrypted  text,                                  -- NULL once decided
  status                 text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at             timestamptz(3) NOT NULL DEFAULT now(),
  decided_at             timestamptz(3),
  decided_by             text,                                  -- the actor (token:<id>) who decided
  practice_id            uuid REFERENCES practices(id) ON DELETE SET NULL  -- the practice it was approved into
);
-- One pending activation per Hint practice: a newer code replaces the parked token.
CREATE UNIQUE INDEX hint_pending_activations_one_pending ON hint_pending_activations (hint_practice_id)
  WHERE status = 'pending';
