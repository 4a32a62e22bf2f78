DROP TABLE statement_lines;
DROP TABLE payments;
DROP TABLE reconciliation_matches;
DROP TABLE case_markers;
ALTER TABLE cases DROP COLUMN last_payment_on;
ALTER TABLE cases DROP COLUMN entitlement_set_at;
ALTER TABLE cases DROP COLUMN funding_source;
