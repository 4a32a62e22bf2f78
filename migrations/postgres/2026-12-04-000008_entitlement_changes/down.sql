ALTER TABLE cases DROP COLUMN original_entitled_vnd;
