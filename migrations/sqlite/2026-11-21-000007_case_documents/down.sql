ALTER TABLE cases ADD COLUMN input_json TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN result_json TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN policy_versions TEXT NOT NULL DEFAULT '';
UPDATE cases SET
    input_json = (SELECT d.input_json FROM case_documents d WHERE d.case_id = cases.id),
    result_json = (SELECT d.result_json FROM case_documents d WHERE d.case_id = cases.id),
    policy_versions = (SELECT d.policy_versions FROM case_documents d WHERE d.case_id = cases.id)
    WHERE id IN (SELECT case_id FROM case_documents);
DROP TABLE case_documents;
