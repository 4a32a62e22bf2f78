-- Daily progress snapshots (issue 20): the figures of Việt Nam and of each ministry, central
-- body and province as the day began, written once a day by the first request or import after
-- 00:00 Vietnam time on any instance (the primary key makes a second writer's insert a no-op),
-- so that the dashboard can draw progress over time. Days before the first snapshot are
-- rebuilt once from the case and payment history (`rebuilt`: the entitlements are today's, so
-- a change accepted later shows from the start).
CREATE TABLE progress_snapshots (
    day DATE NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    people BIGINT NOT NULL,
    paid BIGINT NOT NULL,
    entitled_vnd BIGINT NOT NULL,
    paid_vnd BIGINT NOT NULL,
    rebuilt BOOLEAN NOT NULL,
    taken_at TIMESTAMP NOT NULL,
    PRIMARY KEY (day, unit_id)
);
CREATE INDEX progress_snapshots_unit ON progress_snapshots (unit_id, day);
