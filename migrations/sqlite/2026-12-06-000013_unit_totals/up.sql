-- Per-unit aggregates for the progress figures, kept by triggers in the same transaction as
-- every change of a case (insert, state, money, figures, approval, unit merge; also a direct
-- SQL update), so that progress reads a few rows per unit instead of every case and stays
-- exact. `staffpay progress --verify` compares them with the live computation.
--
-- unit_state_totals: per unit and state, how many cases, their entitlement and paid money.
-- unit_owed: owed cases (submitted, returned, approved, payable, partially paid and not paid
-- in full) per unit, deadline band of the decision date and Vietnam day of approval. The band
-- is the latest cut of `deadline_cuts` on or before the decision date (the day before the
-- first cut for earlier dates; the decision date itself while there are no cuts): the
-- national payment deadline only changes at those cuts, which the service copies from its
-- policy tables at start (rebuilding unit_owed when they change). '0001-01-01' stands for
-- "none" (key columns cannot be NULL). Overdue as of a day is a sum over a few rows per unit.
CREATE TABLE unit_state_totals (
    unit_id BIGINT NOT NULL,
    state TEXT NOT NULL,
    cases BIGINT NOT NULL,
    entitled_vnd BIGINT NOT NULL,
    paid_vnd BIGINT NOT NULL,
    PRIMARY KEY (unit_id, state)
) WITHOUT ROWID;

CREATE TABLE deadline_cuts (
    cut DATE PRIMARY KEY NOT NULL
);

CREATE TABLE unit_owed (
    unit_id BIGINT NOT NULL,
    decision_band DATE NOT NULL,
    approved_on DATE NOT NULL,
    cases BIGINT NOT NULL,
    PRIMARY KEY (unit_id, decision_band, approved_on)
) WITHOUT ROWID;

INSERT INTO unit_state_totals (unit_id, state, cases, entitled_vnd, paid_vnd)
SELECT unit_id, state, COUNT(*), COALESCE(SUM(entitled_vnd), 0), COALESCE(SUM(paid_vnd), 0)
FROM cases GROUP BY unit_id, state;

INSERT INTO unit_owed (unit_id, decision_band, approved_on, cases)
SELECT unit_id, COALESCE(decision_date, '0001-01-01'),
       COALESCE(date(approved_at, '+7 hours'), '0001-01-01'), COUNT(*)
FROM cases
WHERE state IN ('submitted', 'returned', 'approved', 'payable', 'partially_paid')
  AND paid_vnd < entitled_vnd
GROUP BY 1, 2, 3;

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

CREATE TRIGGER cases_totals_update AFTER UPDATE OF unit_id, state, entitled_vnd, paid_vnd, decision_date, approved_at ON cases
WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.state IS NOT NEW.state
  OR OLD.entitled_vnd IS NOT NEW.entitled_vnd OR OLD.paid_vnd IS NOT NEW.paid_vnd
  OR OLD.decision_date IS NOT NEW.decision_date OR OLD.approved_at IS NOT NEW.approved_at
BEGIN
    UPDATE unit_state_totals SET
        cases = cases - 1,
        entitled_vnd = entitled_vnd - OLD.entitled_vnd,
        paid_vnd = paid_vnd - OLD.paid_vnd
    WHERE unit_id = OLD.unit_id AND state = OLD.state;
    INSERT INTO unit_state_totals (unit_id, state, cases, entitled_vnd, paid_vnd)
    VALUES (NEW.unit_id, NEW.state, 1, NEW.entitled_vnd, NEW.paid_vnd)
    ON CONFLICT (unit_id, state) DO UPDATE SET
        cases = cases + 1,
        entitled_vnd = entitled_vnd + excluded.entitled_vnd,
        paid_vnd = paid_vnd + excluded.paid_vnd;
    UPDATE unit_owed SET cases = cases - 1
    WHERE OLD.state IN ('submitted', 'returned', 'approved', 'payable', 'partially_paid')
      AND OLD.paid_vnd < OLD.entitled_vnd
      AND unit_id = OLD.unit_id
      AND decision_band = CASE WHEN OLD.decision_date IS NULL THEN '0001-01-01' ELSE COALESCE((SELECT MAX(cut) FROM deadline_cuts WHERE cut <= OLD.decision_date), (SELECT date(MIN(cut), '-1 day') FROM deadline_cuts), OLD.decision_date) END
      AND approved_on = COALESCE(date(OLD.approved_at, '+7 hours'), '0001-01-01');
    INSERT INTO unit_owed (unit_id, decision_band, approved_on, cases)
    SELECT NEW.unit_id, CASE WHEN NEW.decision_date IS NULL THEN '0001-01-01' ELSE COALESCE((SELECT MAX(cut) FROM deadline_cuts WHERE cut <= NEW.decision_date), (SELECT date(MIN(cut), '-1 day') FROM deadline_cuts), NEW.decision_date) END,
           COALESCE(date(NEW.approved_at, '+7 hours'), '0001-01-01'), 1
    WHERE NEW.state IN ('submitted', 'returned', 'approved', 'payable', 'partially_paid')
      AND NEW.paid_vnd < NEW.entitled_vnd
    ON CONFLICT (unit_id, decision_band, approved_on) DO UPDATE SET cases = cases + 1;
END;

CREATE TRIGGER cases_totals_delete AFTER DELETE ON cases
BEGIN
    UPDATE unit_state_totals SET
        cases = cases - 1,
        entitled_vnd = entitled_vnd - OLD.entitled_vnd,
        paid_vnd = paid_vnd - OLD.paid_vnd
    WHERE unit_id = OLD.unit_id AND state = OLD.state;
    UPDATE unit_owed SET cases = cases - 1
    WHERE OLD.state IN ('submitted', 'returned', 'approved', 'payable', 'partially_paid')
      AND OLD.paid_vnd < OLD.entitled_vnd
      AND unit_id = OLD.unit_id
      AND decision_band = CASE WHEN OLD.decision_date IS NULL THEN '0001-01-01' ELSE COALESCE((SELECT MAX(cut) FROM deadline_cuts WHERE cut <= OLD.decision_date), (SELECT date(MIN(cut), '-1 day') FROM deadline_cuts), OLD.decision_date) END
      AND approved_on = COALESCE(date(OLD.approved_at, '+7 hours'), '0001-01-01');
END;

-- The units' version: bumped by every change of a unit (added, renamed, merged, Treasury
-- account), so that a process may keep the unit tree for progress and re-read it only when
-- this number moved. It starts at a random number: two databases never share a value.
CREATE TABLE units_version (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO units_version (id, version) VALUES (1, abs(random() / 2));
CREATE TRIGGER units_version_insert AFTER INSERT ON units
BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER units_version_update AFTER UPDATE ON units
BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER units_version_delete AFTER DELETE ON units
BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
END;
