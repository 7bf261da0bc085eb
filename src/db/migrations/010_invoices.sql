-- Canonical invoices: what the practice's own billing system bills a patient for.
-- total_cents and due_cents are derived from the lines and paid_cents by the database, so a
-- total can never disagree with its lines, whoever wrote them (the API, a connector).
CREATE FUNCTION invoice_lines_total(lines jsonb) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT coalesce(sum((l->>'quantityInt')::bigint * (l->>'unitPriceCents')::bigint), 0)
          FROM jsonb_array_elements(lines) AS l);

CREATE TABLE invoices (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id   uuid NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  patient_id    uuid NOT NULL,
  number        text,                                 -- the practice's own invoice number
  status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'paid', 'void')),
  issued_on     date,
  currency      text NOT NULL DEFAULT 'USD',
  lines         jsonb NOT NULL DEFAULT '[]',          -- [{description, quantityInt, unitPriceCents, date?, practitionerId?}]
  total_cents   bigint GENERATED ALWAYS AS (invoice_lines_total(lines)) STORED,
  paid_cents    bigint NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
  -- As billing platforms show it: nothing is due on a void invoice, and never less than zero.
  due_cents     bigint GENERATED ALWAYS AS (CASE WHEN status = 'void' THEN 0 ELSE greatest(invoice_lines_total(lines) - paid_cents, 0) END) STORED,
  paid_at       timestamptz(3),
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  updated_at    timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at    timestamptz,
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id)
);
CREATE UNIQUE INDEX invoices_practice_number ON invoices (practice_id, number) WHERE number IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX invoices_practice_patient ON invoices (practice_id, patient_id) WHERE deleted_at IS NULL;
CREATE INDEX invoices_practice_created ON invoices (practice_id, created_at, id);

-- An invoice that could not be created on a spoke (its patient is not linked there) still
-- shows on an errored link, which has no remote id yet.
ALTER TABLE links ALTER COLUMN remote_id DROP NOT NULL;
