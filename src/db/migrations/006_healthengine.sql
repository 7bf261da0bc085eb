-- The Healthengine connector's bookkeeping, one row set per connection.

-- Webhook subscription, publication and poll times of a connection.
CREATE TABLE healthengine_state (
  connection_id            uuid PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
  practice_id              uuid NOT NULL,
  subscription_id          text,
  subscription_expires_at  timestamptz,
  last_full_publish_at     timestamptz,
  last_poll_at             timestamptz,
  alert_since              timestamptz,
  updated_at               timestamptz NOT NULL DEFAULT now()
);

-- What was last published per resource and day (content hash), so unchanged days are skipped.
CREATE TABLE healthengine_published_days (
  connection_id  uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  resource_id    text NOT NULL,
  day            date NOT NULL,
  hash           text NOT NULL,
  published_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, resource_id, day)
);

-- Every Healthengine request seen, until it is resolved: the health figures come from here.
CREATE TABLE healthengine_requests (
  connection_id  uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  request_key    text NOT NULL,
  request_type   text NOT NULL,
  first_seen_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at    timestamptz,
  outcome        text,
  PRIMARY KEY (connection_id, request_key)
);
CREATE INDEX healthengine_requests_open ON healthengine_requests (connection_id, first_seen_at) WHERE resolved_at IS NULL;
