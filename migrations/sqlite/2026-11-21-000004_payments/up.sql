-- Payments (a ledger: entries are appended, never edited; a reversal is a negative entry),
-- statement lines, the matches between them, and the markers flags are aged from.

ALTER TABLE cases ADD COLUMN funding_source TEXT;
ALTER TABLE cases ADD COLUMN entitlement_set_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN last_payment_on DATE;

-- Conditions recorded by one part of the system that flags are aged from (a row only for
-- cases that have one): a recomputation that changed an approved entitlement (with the new
-- figure, for the reviewer to decide), a dispute raised by the person, a duplicate payment
-- found on import.
CREATE TABLE case_markers (
    case_id BIGINT PRIMARY KEY NOT NULL REFERENCES cases(id),
    entitlement_changed_on DATE,
    pending_entitled_vnd BIGINT,
    disputed_on DATE,
    duplicate_payment_on DATE
);

CREATE TABLE reconciliation_matches (
    id INTEGER PRIMARY KEY NOT NULL,
    import_id BIGINT REFERENCES imports(id),
    method TEXT NOT NULL,
    score INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    amount_vnd BIGINT NOT NULL,
    paid_on DATE NOT NULL,
    method TEXT NOT NULL,
    payer_unit_id BIGINT REFERENCES units(id),
    reference TEXT NOT NULL,
    reverses_id BIGINT REFERENCES payments(id),
    import_id BIGINT REFERENCES imports(id),
    source_row INTEGER,
    recorded_by BIGINT REFERENCES users(id),
    recorded_by_label TEXT NOT NULL,
    match_id BIGINT REFERENCES reconciliation_matches(id),
    created_at TIMESTAMP NOT NULL
);
-- The duplicate rule (same case, amount, date and reference) held by the database too, so
-- that of two officers recording the same payment at once exactly one succeeds.
CREATE UNIQUE INDEX payments_duplicate_idx ON payments(case_id, amount_vnd, paid_on, reference);
CREATE INDEX payments_match_idx ON payments(match_id);

CREATE TABLE statement_lines (
    id INTEGER PRIMARY KEY NOT NULL,
    import_id BIGINT NOT NULL REFERENCES imports(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    line_date DATE NOT NULL,
    amount_vnd BIGINT NOT NULL,
    account_no TEXT,
    counterparty TEXT,
    description TEXT NOT NULL,
    bank_reference TEXT,
    sequence TEXT,
    source_row INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    case_id BIGINT REFERENCES cases(id),
    match_id BIGINT REFERENCES reconciliation_matches(id),
    unmatched_reason TEXT,
    created_at TIMESTAMP NOT NULL
);
-- A line already imported (same account, date, amount, reference, sequence) is a duplicate.
CREATE UNIQUE INDEX statement_lines_fingerprint_idx ON statement_lines(fingerprint);
CREATE INDEX statement_lines_match_idx ON statement_lines(match_id);
CREATE INDEX statement_lines_unit_idx ON statement_lines(unit_id);
