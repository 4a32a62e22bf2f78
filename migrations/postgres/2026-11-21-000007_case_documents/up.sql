-- The documents of a case (the roster input it was computed from, the pinned engine result and
-- the policy versions it used) move out of the case row into their own table. They are written
-- on creation and on recomputation only, while the case row is rewritten on every approval,
-- payment and reconciliation: PostgreSQL copies the whole row on every update, so a narrow
-- case row makes those writes several times cheaper.
--
-- No foreign key to cases here (SQLite keeps one): a document row is written only by the
-- function that inserts its case, in the same transaction, with the id read back from cases,
-- and cases are never deleted; PostgreSQL's per-row key check and row lock would double the
-- cost of storing 150,000 documents (3.6 s against 1.5 s, measured). The tests run on both
-- backends and every case view reads its documents.
CREATE TABLE case_documents (
    case_id BIGINT PRIMARY KEY NOT NULL,
    input_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    policy_versions TEXT NOT NULL
);
INSERT INTO case_documents (case_id, input_json, result_json, policy_versions)
    SELECT id, input_json, result_json, policy_versions FROM cases;
ALTER TABLE cases DROP COLUMN input_json;
ALTER TABLE cases DROP COLUMN result_json;
ALTER TABLE cases DROP COLUMN policy_versions;

-- With the documents gone, an update that leaves every indexed column alone can be a HOT
-- update (no new index entries) when the page has room: leave room (fillfactor), and index
-- cases by unit only. The covering progress index (unit, state, amounts, dates) changed with
-- every state change and made every update write five index entries; the progress report
-- reads the narrow table as fast without it (measured in docs/PERFORMANCE.md). SQLite updates
-- rows in place and keeps the covering index.
DROP INDEX cases_progress_idx;
CREATE INDEX cases_unit_idx ON cases(unit_id);
ALTER TABLE cases SET (fillfactor = 70);
