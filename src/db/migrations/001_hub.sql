-- The hub: practices, their canonical records, and the sync bookkeeping around them.
-- Every table carries practice_id; child tables reference (practice_id, id) so a row can
-- never point at another practice's record.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE practices (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  time_zone   text NOT NULL DEFAULT 'UTC',
  country     text NOT NULL DEFAULT 'AU',        -- default region for phone numbers without a country code
  is_default  boolean NOT NULL DEFAULT false,
  created_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX practices_one_default ON practices (is_default) WHERE is_default;

CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id  uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  name         text NOT NULL,
  token_hash   bytea NOT NULL UNIQUE,           -- sha256 of the token; the token itself is never stored
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

CREATE TABLE practitioners (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id  uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  title        text,
  first_name   text NOT NULL,
  last_name    text NOT NULL,
  email        text,
  phone        text,
  npi          text,
  specialties  text[] NOT NULL DEFAULT '{}',
  active       boolean NOT NULL DEFAULT true,
  version      integer NOT NULL DEFAULT 1,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  updated_at   timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at   timestamptz,
  UNIQUE (practice_id, id)
);

CREATE TABLE patients (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id         uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  first_name          text NOT NULL,
  middle_name         text,
  last_name           text NOT NULL,
  preferred_name      text,
  dob                 date,
  sex                 text CHECK (sex IN ('male', 'female', 'other', 'unknown')),
  gender_identity     text,
  email               text,
  phones              jsonb NOT NULL DEFAULT '[]',   -- [{type, number(E.164)}]
  address_line1       text,
  address_line2       text,
  city                text,
  state               text,
  postcode            text,
  country             text,
  medicare_number     text,
  medicare_irn        text,
  medicare_expiry     text,                          -- YYYY-MM
  insurance           jsonb,                         -- US insurance: payer, memberId, groupNumber, ...
  practitioner_id     uuid,
  version             integer NOT NULL DEFAULT 1,
  created_at          timestamptz(3) NOT NULL DEFAULT now(),
  updated_at          timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at          timestamptz,
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, practitioner_id) REFERENCES practitioners (practice_id, id)
);
CREATE INDEX patients_practice_name ON patients (practice_id, lower(last_name), lower(first_name)) WHERE deleted_at IS NULL;
CREATE INDEX patients_practice_dob ON patients (practice_id, dob) WHERE deleted_at IS NULL;
CREATE INDEX patients_practice_email ON patients (practice_id, lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX patients_practice_created ON patients (practice_id, created_at, id);

CREATE TABLE locations (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id    uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  name           text NOT NULL,
  time_zone      text NOT NULL,
  phone          text,
  address_line1  text,
  address_line2  text,
  city           text,
  state          text,
  postcode       text,
  country        text,
  version        integer NOT NULL DEFAULT 1,
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  updated_at     timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at     timestamptz,
  UNIQUE (practice_id, id)
);

-- A bookable resource: a practitioner in one specialty, or a room, at a location.
CREATE TABLE resources (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id      uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  location_id      uuid NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('practitioner', 'room')),
  practitioner_id  uuid,
  specialty        text,
  name             text NOT NULL,
  active           boolean NOT NULL DEFAULT true,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  updated_at       timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at       timestamptz,
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, location_id) REFERENCES locations (practice_id, id),
  FOREIGN KEY (practice_id, practitioner_id) REFERENCES practitioners (practice_id, id),
  CHECK ((kind = 'practitioner') = (practitioner_id IS NOT NULL))
);

CREATE TABLE appointment_types (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id       uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  name              text NOT NULL,
  description       text,
  duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
  new_patients      boolean NOT NULL DEFAULT true,
  existing_patients boolean NOT NULL DEFAULT true,
  resource_ids      uuid[] NOT NULL DEFAULT '{}',   -- the resources that offer this type (checked on write)
  active            boolean NOT NULL DEFAULT true,
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz(3) NOT NULL DEFAULT now(),
  updated_at        timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at        timestamptz,
  UNIQUE (practice_id, id)
);

-- One schedule per resource, in the practice's (location's) time zone:
-- weekly_hours [{dayOfWeek 1..7, start "HH:MM", end "HH:MM"}],
-- exceptions [{date "YYYY-MM-DD", hours [{start, end}]}] (empty hours = closed that day),
-- time_off [{start ISO, end ISO, reason}].
CREATE TABLE schedules (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id   uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  resource_id   uuid NOT NULL,
  weekly_hours  jsonb NOT NULL DEFAULT '[]',
  exceptions    jsonb NOT NULL DEFAULT '[]',
  time_off      jsonb NOT NULL DEFAULT '[]',
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  updated_at    timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at    timestamptz,
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, resource_id) REFERENCES resources (practice_id, id)
);
CREATE UNIQUE INDEX schedules_one_per_resource ON schedules (resource_id) WHERE deleted_at IS NULL;

CREATE TABLE appointments (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id          uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  resource_id          uuid NOT NULL,
  appointment_type_id  uuid,
  patient_id           uuid NOT NULL,
  starts_at            timestamptz(3) NOT NULL,
  ends_at              timestamptz(3) NOT NULL,
  status               text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'attended', 'did_not_attend')),
  source               text NOT NULL DEFAULT 'api',
  notes                text,
  reason               text,
  external             jsonb NOT NULL DEFAULT '{}',  -- e.g. telehealth links, a platform's booking ids
  version              integer NOT NULL DEFAULT 1,
  created_at           timestamptz(3) NOT NULL DEFAULT now(),
  updated_at           timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at           timestamptz,
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, resource_id) REFERENCES resources (practice_id, id),
  FOREIGN KEY (practice_id, appointment_type_id) REFERENCES appointment_types (practice_id, id),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
  CHECK (ends_at > starts_at),
  -- No double booking: two live appointments of one resource never overlap.
  EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status <> 'cancelled' AND deleted_at IS NULL)
);
CREATE INDEX appointments_practice_start ON appointments (practice_id, starts_at);
CREATE INDEX appointments_patient ON appointments (practice_id, patient_id);

CREATE TABLE connections (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id            uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  system                 text NOT NULL CHECK (system IN ('hint', 'healthengine', 'salesforce')),
  name                   text NOT NULL,
  status                 text NOT NULL DEFAULT 'pending',  -- pending|active|consent_needed|error|disabled|deactivated
  status_message         text,
  remote_account_id      text,                             -- the Hint practice id, Healthengine practice id, Salesforce org id
  credentials_encrypted  text,                             -- AES-256-GCM envelope, see src/db/crypto.ts
  settings               jsonb NOT NULL DEFAULT '{}',
  health                 jsonb NOT NULL DEFAULT '{}',
  created_at             timestamptz(3) NOT NULL DEFAULT now(),
  updated_at             timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id)
);

CREATE TABLE links (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id        uuid NOT NULL,
  connection_id      uuid NOT NULL,
  entity_kind        text NOT NULL,          -- patient|practitioner|appointment|invoice|location|resource|...
  local_id           uuid NOT NULL,
  remote_id          text NOT NULL,
  status             text NOT NULL DEFAULT 'enabled' CHECK (status IN ('synced', 'unsynced', 'errored', 'enabled')),
  remote_state       text,                   -- e.g. 'active', 'destroyed', 'inactive' as the remote reports it
  error_message      text,
  last_synced_at     timestamptz,
  remote_version     text,                   -- the remote updated_at / version last seen
  written_hash       text,                   -- hash of the values we last wrote to the remote (echo suppression)
  read_hash          text,                   -- hash of the values we last read from the remote
  remote_data        jsonb NOT NULL DEFAULT '{}', -- read-only facts shown to staff (membership, plan, balance, ...)
  created_at         timestamptz(3) NOT NULL DEFAULT now(),
  updated_at         timestamptz(3) NOT NULL DEFAULT now(),
  FOREIGN KEY (practice_id, connection_id) REFERENCES connections (practice_id, id) ON DELETE CASCADE,
  UNIQUE (connection_id, entity_kind, local_id),
  UNIQUE (connection_id, entity_kind, remote_id)
);
CREATE INDEX links_local ON links (practice_id, entity_kind, local_id);

CREATE TABLE inbox (
  id               bigserial PRIMARY KEY,
  practice_id      uuid NOT NULL,
  connection_id    uuid NOT NULL,
  source_event_id  text NOT NULL,
  event_type       text NOT NULL,
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processed', 'ignored', 'failed')),
  error            text,
  received_at      timestamptz(3) NOT NULL DEFAULT now(),
  processed_at     timestamptz,
  FOREIGN KEY (practice_id, connection_id) REFERENCES connections (practice_id, id) ON DELETE CASCADE,
  UNIQUE (connection_id, source_event_id)
);
CREATE INDEX inbox_pending ON inbox (connection_id, id) WHERE status = 'pending';

-- The outbox: one domain event per change, written in the change's transaction.
CREATE TABLE domain_events (
  id             bigserial PRIMARY KEY,
  practice_id    uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  entity_kind    text NOT NULL,
  entity_id      uuid NOT NULL,
  action         text NOT NULL CHECK (action IN ('created', 'updated', 'deleted')),
  version        integer,
  origin         text NOT NULL,         -- 'api', 'cli', or 'connection:<id>' so a spoke never hears its own change
  changed_fields text[] NOT NULL DEFAULT '{}',
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  dispatched_at  timestamptz
);
CREATE INDEX domain_events_undispatched ON domain_events (id) WHERE dispatched_at IS NULL;
CREATE INDEX domain_events_entity ON domain_events (practice_id, entity_kind, entity_id);

CREATE TABLE batches (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id      uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  connection_id    uuid,
  kind             text NOT NULL,
  status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'aborted', 'failed')),
  dry_run          boolean NOT NULL DEFAULT false,
  abort_requested  boolean NOT NULL DEFAULT false,
  total            integer,
  processed        integer NOT NULL DEFAULT 0,
  counts           jsonb NOT NULL DEFAULT '{}',
  error            text,
  params           jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, connection_id) REFERENCES connections (practice_id, id) ON DELETE CASCADE
);

CREATE TABLE batch_items (
  id           bigserial PRIMARY KEY,
  practice_id  uuid NOT NULL,
  batch_id     uuid NOT NULL,
  entity_kind  text NOT NULL,
  remote_id    text,
  local_id     uuid,
  action       text NOT NULL,   -- link|create_local|create_remote|review|skip|error|...
  message      text,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  FOREIGN KEY (practice_id, batch_id) REFERENCES batches (practice_id, id) ON DELETE CASCADE
);
CREATE INDEX batch_items_batch ON batch_items (batch_id, id);

CREATE TABLE match_reviews (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id     uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  connection_id   uuid,
  entity_kind     text NOT NULL DEFAULT 'patient',
  remote_id       text,                  -- the incoming record's id on its system, when it has one
  local_id        uuid,                  -- a local record created meanwhile (e.g. a booking's new patient)
  incoming        jsonb NOT NULL,        -- the incoming record as the matcher saw it
  candidates      jsonb NOT NULL,        -- [{id, score, explanation}]
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  resolution      jsonb,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  resolved_at     timestamptz,
  resolved_by     text,
  FOREIGN KEY (practice_id, connection_id) REFERENCES connections (practice_id, id) ON DELETE CASCADE
);
CREATE INDEX match_reviews_pending ON match_reviews (practice_id, created_at) WHERE status = 'pending';

CREATE TABLE log_entries (
  id             bigserial PRIMARY KEY,
  practice_id    uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  level          text NOT NULL CHECK (level IN ('debug', 'error', 'exception')),
  message        text NOT NULL,         -- no PHI: ids and reasons, never names or contacts
  connection_id  uuid,
  entity_kind    text,
  entity_id      text,
  context        jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX log_entries_practice ON log_entries (practice_id, id);

CREATE TABLE audit_events (
  id           bigserial PRIMARY KEY,
  practice_id  uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  actor        text NOT NULL,          -- 'token:<id>', 'cli', 'connection:<id>', 'system'
  action       text NOT NULL,
  entity_kind  text NOT NULL,
  entity_id    text NOT NULL,
  fields       text[] NOT NULL DEFAULT '{}',   -- names of the fields changed, never their values
  created_at   timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_entity ON audit_events (practice_id, entity_kind, entity_id);
