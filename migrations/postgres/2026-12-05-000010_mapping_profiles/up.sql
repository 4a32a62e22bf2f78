-- Named column mappings saved per unit and kind of list (issue 18): an officer who mapped the
-- columns of a statement or list by hand once ("Sao kê KBNN", "Vietcombank xlsx") gets the same
-- mapping applied to the next upload of the same shape, i.e. the same set of folded header
-- texts (`shape`, one per line, sorted). `mapping` is the JSON array of {field, header}.
CREATE TABLE mapping_profiles (
    unit_id BIGINT NOT NULL,
    list_kind TEXT NOT NULL,
    name TEXT NOT NULL,
    shape TEXT NOT NULL,
    mapping TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (unit_id, list_kind, name)
);
