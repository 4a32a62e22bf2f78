-- A covering index for the progress report: its two grouped queries (by unit and state; owed
-- cases by unit and deadline band) read only this index, never the wide case rows. It starts
-- with (unit_id, state), so it replaces that index; the state-only index goes too (filters on
-- state alone match most cases, and it lured the planner away from the covering index).
DROP INDEX cases_unit_state_idx;
DROP INDEX cases_state_idx;
CREATE INDEX cases_progress_idx ON cases(unit_id, state, entitled_vnd, paid_vnd, decision_date, approved_at);
