-- The canonical patient gains a name prefix (Dr., Mrs.…): Salesforce's Salutation and Hint's
-- title are both there, and a hub that dropped it would lose it on every round trip.
ALTER TABLE patients ADD COLUMN name_prefix text;
