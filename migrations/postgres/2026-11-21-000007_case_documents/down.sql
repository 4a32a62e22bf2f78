ALTER TABLE cases RESET (fillfactor);
DROP INDEX cases_unit_idx;
CREATE INDEX cases_progress_idx ON cases(unit_id, state, entitled_vnd, paid_vnd, decision_date, approved_at);
ALTER TABLE cases ADD COLUMN input_json TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN result_json TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN policy_versions TEXT NOT NULL DEFAULT '';
UPDATE cases SET input_json = d.input_json, result_json = d.result_json,
    policy_versions = d.policy_versions
    FROM case_documents d WHERE d.case_id = cases.id;
DROP TABLE case_documents;
