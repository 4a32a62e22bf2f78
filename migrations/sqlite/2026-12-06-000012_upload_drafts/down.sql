DROP TABLE upload_drafts;
