-- Page uploads as jobs (issue 20): every upload from the web runs as a job recorded here, so
-- that its page can show the phase and the rows done, refreshing itself, on whichever instance
-- the browser reaches next; when the job ends the page shows the result kept in `result`
-- (JSON: the summary, the first problems, or the refusal). The import itself stays one
-- transaction: a job cut short (the process stopped) wrote nothing, and its page says so once
-- `updated_at` is old. A job belongs to the user who uploaded; jobs are dropped after 30 days.
CREATE TABLE import_jobs (
    token TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    phase TEXT NOT NULL,
    rows_done BIGINT NOT NULL,
    rows_total BIGINT NOT NULL,
    import_id BIGINT,
    result TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX import_jobs_user ON import_jobs (user_id, created_at);
