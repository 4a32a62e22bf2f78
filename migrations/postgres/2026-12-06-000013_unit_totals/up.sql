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
--
-- On PostgreSQL the triggers are per statement with transition tables: a batch of 150,000
-- cases (COPY, or one UPDATE ... FROM VALUES) changes the aggregates in two grouped
-- statements, taking the aggregate rows' locks in key order.
CREATE TABLE unit_state_totals (
    unit_id BIGINT NOT NULL,
    state TEXT NOT NULL,
    cases BIGINT NOT NULL,
    entitled_vnd BIGINT NOT NULL,
    paid_vnd BIGINT NOT NULL,
    PRIMARY KEY (unit_id, state)
);

CREATE TABLE deadline_cuts (
    cut DATE PRIMARY KEY
);

CREATE TABLE unit_owed (
    unit_id BIGINT NOT NULL,
    decision_band DATE NOT NULL,
    approved_on DATE NOT NULL,
    cases BIGINT NOT NULL,
    PRIMARY KEY (unit_id, decision_band, approved_on)
);

INSERT INTO unit_state_totals (unit_id, state, cases, entitled_vnd, paid_vnd)
SELECT unit_id, state, COUNT(*), COALESCE(SUM(entitled_vnd), 0), COALESCE(SUM(paid_vnd), 0)
FROM cases GROUP BY unit_id, state;

INSERT INTO unit_owed (unit_id, decision_band, approved_on, cases)
SELECT unit_id, COALESCE(decision_date, DATE '0001-01-01'),
       COALESCE(CAST(approved_at + INTERVAL '7 hours' AS DATE), DATE '0001-01-01'), COUNT(*)
FROM cases
WHERE state IN ('submitted', 'returned', 'approved', 'payable', 'partially_paid')
  AND paid_vnd < entitled_vnd
GROUP BY 1, 2, 3;

CREATE FUNCTION unit_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cols CONSTANT text := 'unit_id, state, entitled_vnd, paid_vnd, decision_date, approved_at';
    d text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        d := format('SELECT 1 AS sgn, %s FROM new_rows', cols);
    ELSIF TG_OP = 'DELETE' THEN
        d := format('SELECT -1 AS sgn, %s FROM old_rows', cols);
    ELSE
        d := format('SELECT 1 AS sgn, %s FROM new_rows UNION ALL SELECT -1, %s FROM old_rows',
                    cols, cols);
    END IF;
    EXECUTE format(
        'WITH d AS (%s) '
        'INSERT INTO unit_state_totals AS t (unit_id, state, cases, entitled_vnd, paid_vnd) '
        'SELECT unit_id, state, CAST(SUM(sgn) AS BIGINT), CAST(SUM(sgn * entitled_vnd) AS BIGINT), '
        '       CAST(SUM(sgn * paid_vnd) AS BIGINT) '
        'FROM d GROUP BY unit_id, state '
        'HAVING SUM(sgn) <> 0 OR SUM(sgn * entitled_vnd) <> 0 OR SUM(sgn * paid_vnd) <> 0 '
        'ORDER BY unit_id, state '
        'ON CONFLICT (unit_id, state) DO UPDATE SET '
        '  cases = t.cases + EXCLUDED.cases, '
        '  entitled_vnd = t.entitled_vnd + EXCLUDED.entitled_vnd, '
        '  paid_vnd = t.paid_vnd + EXCLUDED.paid_vnd', d);
    EXECUTE format(
        'WITH d AS (%s) '
        'INSERT INTO unit_owed AS t (unit_id, decision_band, approved_on, cases) '
        'SELECT unit_id, CASE WHEN decision_date IS NULL THEN DATE ''0001-01-01'' ELSE COALESCE('
        '         (SELECT MAX(c.cut) FROM deadline_cuts c WHERE c.cut <= d.decision_date), '
        '         (SELECT MIN(c.cut) - 1 FROM deadline_cuts c), d.decision_date) END, '
        '       COALESCE(CAST(approved_at + INTERVAL ''7 hours'' AS DATE), DATE ''0001-01-01''), '
        '       CAST(SUM(sgn) AS BIGINT) '
        'FROM d '
        'WHERE state IN (''submitted'', ''returned'', ''approved'', ''payable'', ''partially_paid'') '
        '  AND paid_vnd < entitled_vnd '
        'GROUP BY 1, 2, 3 HAVING SUM(sgn) <> 0 ORDER BY 1, 2, 3 '
        'ON CONFLICT (unit_id, decision_band, approved_on) DO UPDATE SET '
        '  cases = t.cases + EXCLUDED.cases', d);
    RETURN NULL;
END;
$$;

CREATE TRIGGER cases_totals_insert AFTER INSERT ON cases
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_totals_apply();
CREATE TRIGGER cases_totals_update AFTER UPDATE ON cases
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_totals_apply();
CREATE TRIGGER cases_totals_delete AFTER DELETE ON cases
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_totals_apply();

-- The units' version: bumped by every change of a unit (added, renamed, merged, Treasury
-- account), so that a process may keep the unit tree for progress and re-read it only when
-- this number moved. It starts at a random number: two databases never share a value.
CREATE TABLE units_version (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO units_version (id, version) VALUES (1, CAST(random() * 4e18 AS BIGINT));
CREATE FUNCTION units_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER units_version_bump AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION units_version_bump();
