DROP TRIGGER cases_totals_insert;
CREATE TRIGGER cases_totals_insert AFTER INSERT ON cases
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
DROP TABLE totals_deferred;
DROP INDEX cases_unit_state_idx;
CREATE INDEX cases_progress_idx ON cases(unit_id, state, entitled_vnd, paid_vnd, decision_date, approved_at);
