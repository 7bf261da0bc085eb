-- A Healthengine request is resolved when Healthengine's queue no longer lists it, not when
-- Tandem has answered it: an answer Healthengine ignored (an `existing` snapshot) or refused
-- (400 "already cancelled") leaves the item pending there. So the answer is recorded apart
-- (when, what, and Healthengine's refusal if any), and resolved_at is set only by a queue read
-- that no longer lists the item. Health shows requests answered yet still listed.
ALTER TABLE healthengine_requests ADD COLUMN answered_at timestamptz;
ALTER TABLE healthengine_requests ADD COLUMN answer_error text;
