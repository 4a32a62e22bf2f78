-- Files held between the upload page's two steps (issue 18): the officer uploads, sees the
-- first rows with a drop-down per column, and confirms the mapping; the file waits here, not
-- in one server's memory, so the second step may reach any instance behind the load balancer.
-- A draft belongs to its user, is taken once, and is dropped after two hours.
CREATE TABLE upload_drafts (
    token TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_base64 TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
