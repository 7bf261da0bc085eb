-- A review waits for a person to decide how a remote record links. When a newer version of that
-- record is then decided automatically (its new values match a patient for certain, or clearly
-- no one), the record gets linked and the open review no longer describes anything to decide:
-- it is closed as 'superseded' by Tandem, not left for staff to answer a question already settled.
-- Safe with older processes running: they never write the new status and read it as any other.
ALTER TABLE match_reviews DROP CONSTRAINT match_reviews_status_check;
ALTER TABLE match_reviews ADD CONSTRAINT match_reviews_status_check
  CHECK (status IN ('pending', 'accepted', 'rejected', 'superseded'));
