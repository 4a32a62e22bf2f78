-- The roster import's write (issue 19, item 1).
--
-- 1. The six-column covering index of migration 5 served the progress report's grouped
--    queries over every case; progress now reads the per-unit aggregates (migration 13), and
--    each of the import's inserts paid for that wide index entry. Cases by unit (lists,
--    flags, merges) keep a narrow (unit_id, state) index.
-- 2. A bulk insert of new cases may defer the per-row upkeep of the aggregates: while a row
--    is in totals_deferred (inserted and deleted inside one write transaction, so no other
--    connection ever sees it), the insert trigger stands aside, and the writer adds the new
--    cases' contributions set-wise before deleting the row (src/db/progress.rs,
--    with_deferred_totals). Updates and deletes are never deferred.
DROP INDEX cases_progress_idx;
CREATE INDEX cases_unit_state_idx ON cases(unit_id, state);

CREATE TABLE totals_deferred (since_id BIGINT PRIMARY KEY NOT NULL);

DROP TRIGGER cases_totals_insert;
CREATE TRIGGER cases_totals_insert AFTER INSERT ON cases
WHEN NOT EXISTS (SELECT 1 FROM totals_deferred)
BEGIN
    INSERT INTO unit_state_totals (unit_id, state, cases, entitled_vnd, paid_vnd)
    VALUES (NEW.unit_id, NEW.state, 1, NEW.entitled_vnd, NEW.paid_vnd)
    ON CONFLICT (unit_id, state) DO UPDATE SET
        cases = cases + 1,
        entitled_vnd = entitled_vnd + excluded.entitled_vnd,
        paid_vnd = paid_vnd + excluded.paid_vnd;
    INSERT INTO unit_owed (unit_id, decision_band, approved_on, cases)
    SELECT NEW.unit_id, CASE WHEN NEW.decision_date IS NULL THEN '0001-01-01' ELSE COALESCE((SELECT MAX(cut) FROM deadline_cuts WHERE cut <= NEW.decision_date), (SELECT date(MIN(cut), '-1 day') FROM deadline_cuts), NEW.decision_date) END,
           COALESCE(date(NEW.approved_at, '+7 hours'), '0001-01-01'), 1
    WHERE NEW.state IN ('submitted', 'returned', 'approved', 'payable', 'partially_paid')
      AND NEW.paid_vnd < NEW.entitled_vnd
    ON CONFLICT (unit_id, decision_band, approved_on) DO UPDATE SET cases = cases + 1;
END;
