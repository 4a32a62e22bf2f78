-- The documents of a case (the roster input it was computed from, the pinned engine result and
-- the policy versions it used) move out of the case row into their own table. They are written
-- on creation and on recomputation only, while the case row is rewritten on every approval,
-- payment and reconciliation: PostgreSQL copies the whole row on every update, so a narrow
-- case row makes those writes several times cheaper.
CREATE TABLE case_documents (
    case_id BIGINT PRIMARY KEY NOT NULL REFERENCES cases(id),
    input_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    policy_versions TEXT NOT NULL
);
INSERT INTO case_documents (case_id, input_json, result_json, policy_versions)
    SELECT id, input_json, result_json, policy_versions FROM cases;
ALTER TABLE cases DROP COLUMN input_json;
ALTER TABLE cases DROP COLUMN result_json;
ALTER TABLE cases DROP COLUMN policy_versions;
