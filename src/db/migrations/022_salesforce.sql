-- The Salesforce connector's own state (src/connectors/salesforce/store.ts): where change
-- capture stands per connection (the last processed CDC replay id, or the polling window's
-- end when CDC is off for Contact), and the PKCE verifiers of OAuth web-server flows under way.
CREATE TABLE salesforce_sync_state (
  connection_id uuid PRIMARY KEY,
  practice_id   uuid NOT NULL,
  replay_id     bigint,
  poll_cursor   timestamptz,
  capture       text NOT NULL DEFAULT 'cdc' CHECK (capture IN ('cdc', 'polling')),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (practice_id, connection_id) REFERENCES connections (practice_id, id) ON DELETE CASCADE
);

CREATE TABLE salesforce_oauth_states (
  state          text PRIMARY KEY,
  practice_id    uuid NOT NULL,
  connection_id  uuid NOT NULL,
  code_verifier  text NOT NULL,
  redirect_uri   text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (practice_id, connection_id) REFERENCES connections (practice_id, id) ON DELETE CASCADE
);
