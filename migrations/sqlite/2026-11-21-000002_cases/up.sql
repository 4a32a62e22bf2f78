-- People, their cases (one per person), case history and roster imports.

CREATE TABLE imports (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    submitted_by BIGINT REFERENCES users(id),
    submitted_by_label TEXT NOT NULL,
    outcome TEXT NOT NULL,
    rows_total INTEGER NOT NULL,
    rows_valid INTEGER NOT NULL,
    rows_invalid INTEGER NOT NULL,
    rows_created INTEGER NOT NULL,
    rows_updated INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    rows_locked INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX imports_sha_idx ON imports(kind, sha256);
CREATE INDEX imports_unit_idx ON imports(unit_id);

CREATE TABLE import_problems (
    id INTEGER PRIMARY KEY NOT NULL,
    import_id BIGINT NOT NULL REFERENCES imports(id),
    severity TEXT NOT NULL,
    sheet TEXT NOT NULL,
    row_number INTEGER,
    column_name TEXT,
    cell_value TEXT,
    code TEXT NOT NULL,
    message_vi TEXT NOT NULL,
    message_en TEXT NOT NULL
);
CREATE INDEX import_problems_import_idx ON import_problems(import_id);

CREATE TABLE people (
    id INTEGER PRIMARY KEY NOT NULL,
    national_id TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    sex TEXT NOT NULL,
    bank_account TEXT,
    bank_name TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY NOT NULL,
    person_id BIGINT NOT NULL UNIQUE REFERENCES people(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    original_unit_id BIGINT NOT NULL REFERENCES units(id),
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    scheme TEXT NOT NULL,
    category TEXT NOT NULL,
    band TEXT NOT NULL,
    leave_window TEXT,
    leave_date DATE NOT NULL,
    decision_date DATE,
    salary_exact TEXT NOT NULL,
    entitled_vnd BIGINT NOT NULL,
    paid_vnd BIGINT NOT NULL,
    input_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    policy_versions TEXT NOT NULL,
    payment_reference TEXT NOT NULL UNIQUE,
    lookup_code_hash TEXT UNIQUE,
    import_id BIGINT REFERENCES imports(id),
    source_row INTEGER,
    submitted_by BIGINT REFERENCES users(id),
    approved_by BIGINT REFERENCES users(id),
    approved_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cases_unit_state_idx ON cases(unit_id, state);
CREATE INDEX cases_state_idx ON cases(state);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    at TIMESTAMP NOT NULL,
    actor_user_id BIGINT REFERENCES users(id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    reason TEXT,
    detail_json TEXT,
    request_id TEXT
);
CREATE INDEX case_events_case_idx ON case_events(case_id, at);
