-- The roster import's write (issue 19, item 1). On PostgreSQL the covering progress index went
-- in migration 7, and the statement triggers of migration 13 already keep the aggregates with
-- one grouped upsert per COPY, so nothing is deferred here; the marker table exists for the
-- same schema on both backends and stays empty.
CREATE TABLE totals_deferred (since_id BIGINT PRIMARY KEY NOT NULL);
