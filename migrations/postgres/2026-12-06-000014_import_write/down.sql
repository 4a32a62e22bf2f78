DROP TABLE totals_deferred;
