-- The entitlement before the first accepted change (Decree 67 top-ups and other recomputed
-- figures a reviewer accepted after approval): original = this value when set, else the
-- entitlement; supplementary = entitlement - original. NULL while no change was accepted.
ALTER TABLE cases ADD COLUMN original_entitled_vnd BIGINT;
