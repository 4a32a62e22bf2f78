-- Payment batches (issue 18): the cases of one unit put to one budget-withdrawal order or
-- payment order, printed as the Treasury's "Bảng thanh toán cho đối tượng thụ hưởng" (Mẫu số
-- 09, Decree 11/2020/ND-CP). A batch is numbered per unit (1, 2, ...) with its date; its lines
-- keep what was printed (name, account, bank, amount, group, supplement) so the form prints the
-- same again; a payment recorded for a case while its batch line is open carries the batch.
CREATE TABLE payment_batches (
    id INTEGER PRIMARY KEY NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    number INTEGER NOT NULL,
    batch_date DATE NOT NULL,
    order_ref TEXT,
    created_by BIGINT,
    created_by_label TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (unit_id, number)
);
CREATE TABLE payment_batch_lines (
    batch_id BIGINT NOT NULL REFERENCES payment_batches (id),
    case_id BIGINT NOT NULL REFERENCES cases (id),
    line_no INTEGER NOT NULL,
    worker_group INTEGER NOT NULL,
    full_name TEXT NOT NULL,
    bank_account TEXT,
    bank_name TEXT,
    amount_vnd BIGINT NOT NULL,
    supplement BOOLEAN NOT NULL,
    PRIMARY KEY (batch_id, case_id)
);
CREATE INDEX payment_batch_lines_case ON payment_batch_lines (case_id);
ALTER TABLE payments ADD COLUMN batch_id BIGINT REFERENCES payment_batches (id);
CREATE INDEX payments_batch ON payments (batch_id);
