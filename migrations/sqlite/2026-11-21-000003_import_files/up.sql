-- Files kept with an import: the error workbook of an import that had errors (base64 text, so
-- that one portable column type serves both backends).
CREATE TABLE import_files (
    import_id BIGINT PRIMARY KEY NOT NULL REFERENCES imports(id),
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content_base64 TEXT NOT NULL,
    bytes BIGINT NOT NULL
);
