-- The contact page's live search (Salesforce "Sync to Hint") matches each typed word anywhere in
-- a patient's names, e-mail, date of birth or phones. Without an index that is a scan of every
-- patient per keystroke (2.7 s with 100,000 patients under load). A trigram index over one
-- search text finds the few patients a word of three or more characters matches.
-- pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Immutable so it can be indexed: to_char with an explicit pattern does not depend on DateStyle,
-- and jsonb's text form is fixed. Words never contain the separating spaces, so a word matches
-- the text exactly when it matches one of the fields (the search's meaning is unchanged).
CREATE FUNCTION patient_search_text(first_name text, last_name text, preferred_name text, email text, dob date, phones jsonb)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(preferred_name, '') || ' '
    || coalesce(email, '') || ' ' || coalesce(to_char(dob, 'YYYY-MM-DD'), '') || ' ' || coalesce(phones::text, ''))
$$;

-- Stored, so a search re-checking thousands of rows (a common word) reads it instead of
-- building it again for each row: three times faster in the walk by name (EXPLAIN, 100,000 rows).
ALTER TABLE patients ADD COLUMN search_text text
  GENERATED ALWAYS AS (patient_search_text(first_name, last_name, preferred_name, email, dob, phones)) STORED;

CREATE INDEX patients_search_trgm ON patients USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL;
