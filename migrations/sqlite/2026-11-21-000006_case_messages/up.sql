-- Questions and disputes a person sends from the status page, and the reviewer's answer.
CREATE TABLE case_messages (
    id INTEGER PRIMARY KEY NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL CHECK (kind IN ('question', 'dispute')),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    answer TEXT,
    answered_at TIMESTAMP,
    answered_by BIGINT REFERENCES users(id)
);
CREATE INDEX case_messages_case_idx ON case_messages(case_id, id);
