DROP INDEX payments_batch;
ALTER TABLE payments DROP COLUMN batch_id;
DROP INDEX payment_batch_lines_case;
DROP TABLE payment_batch_lines;
DROP TABLE payment_batches;
