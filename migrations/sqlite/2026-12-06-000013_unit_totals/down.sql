DROP TRIGGER cases_totals_delete;
DROP TRIGGER cases_totals_update;
DROP TRIGGER cases_totals_insert;
DROP TABLE unit_owed;
DROP TABLE deadline_cuts;
DROP TABLE unit_state_totals;
