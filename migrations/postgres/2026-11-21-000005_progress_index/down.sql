DROP INDEX cases_progress_idx;
CREATE INDEX cases_unit_state_idx ON cases(unit_id, state);
CREATE INDEX cases_state_idx ON cases(state);
