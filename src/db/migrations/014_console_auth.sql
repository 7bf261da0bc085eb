-- Console users: people (email + argon2id password) who belong to one or more practices with
-- a role there; their sessions; one-time links (first-admin setup, set password); and the
-- failed sign-ins that rate-limit guessing. Secrets (session ids, link codes) are stored only
-- as SHA-256 hashes, like API tokens.
CREATE TABLE users (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email           text NOT NULL CHECK (email = lower(email)),
  password_hash   text,                              -- argon2id PHC string; null until set through a link
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  last_sign_in_at timestamptz(3)
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE memberships (
  user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  practice_id  uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  role         text NOT NULL CHECK (role IN ('admin', 'staff')),
  disabled_at  timestamptz(3),
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, practice_id)
);
CREATE INDEX memberships_practice ON memberships (practice_id);

CREATE TABLE sessions (
  id_hash       bytea PRIMARY KEY,                   -- sha256 of the cookie's value
  user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  practice_id   uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,  -- the practice being worked on
  csrf_token    text NOT NULL,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  last_seen_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE auth_links (
  code_hash    bytea PRIMARY KEY,                    -- sha256 of the code in the link
  purpose      text NOT NULL CHECK (purpose IN ('setup', 'set-password')),
  user_id      uuid REFERENCES users(id) ON DELETE CASCADE,          -- set-password: whose
  practice_id  uuid REFERENCES practices(id) ON DELETE CASCADE,      -- setup: the practice the first admin gets
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  expires_at   timestamptz(3) NOT NULL,
  used_at      timestamptz(3),
  CHECK ((purpose = 'setup') = (user_id IS NULL))
);

CREATE TABLE sign_in_failures (
  scope      text NOT NULL CHECK (scope IN ('account', 'ip')),
  key_hash   bytea NOT NULL,                         -- sha256 of the email or the address
  failed_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (scope, key_hash, failed_at);
