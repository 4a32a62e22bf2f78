-- The entitlement components of each case as rows, so a query can sum a component and the
-- reconciliation report reads amounts without unpacking the pinned result. One row per
-- non-zero component: amount_vnd is the component in the entitlement in force; original_vnd
-- the component before the first accepted change (NULL while none was accepted; 0 for a
-- component the change added), so supplementary = amount_vnd - original_vnd, as for the case
-- total (migration 8). The pinned result in case_documents stays the full explanation.
-- Existing cases are filled in by the data step that follows the migrations
-- (src/db/components.rs), which reads the pinned results.
--
-- WITHOUT ROWID: the rows live in the one b-tree of their key (case, code) instead of a rowid
-- table plus a key index, so the roster import writes one tree, not two (about 4 rows a case).
CREATE TABLE case_components (
    case_id BIGINT NOT NULL REFERENCES cases(id),
    code TEXT NOT NULL,
    amount_vnd BIGINT NOT NULL,
    original_vnd BIGINT,
    PRIMARY KEY (case_id, code)
) WITHOUT ROWID;
