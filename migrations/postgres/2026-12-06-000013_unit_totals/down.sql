DROP TRIGGER cases_totals_delete ON cases;
DROP TRIGGER cases_totals_update ON cases;
DROP TRIGGER cases_totals_insert ON cases;
DROP FUNCTION unit_totals_apply();
DROP TABLE unit_owed;
DROP TABLE deadline_cuts;
DROP TABLE unit_state_totals;
