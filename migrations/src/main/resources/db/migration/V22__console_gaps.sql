-- Console gaps (issue #18). Same conventions as V1: separate CREATE INDEX statements, no foreign keys.

-- GET /v1/audit?actor=: one user's or key's entries, newest first.
CREATE INDEX audit_log_actor ON audit_log (actor, id);

-- Host search (q=) is a case-insensitive prefix match on name, serial and UDID. Lower-cased copies the
-- database keeps itself (generated columns, so every writer, including bulk loads, keeps them right and
-- existing rows are filled now) let each of the three be an index range instead of a scan of LOWER(col).
ALTER TABLE hosts ADD COLUMN device_name_lc VARCHAR(255) GENERATED ALWAYS AS (LOWER(device_name));
ALTER TABLE hosts ADD COLUMN serial_number_lc VARCHAR(127) GENERATED ALWAYS AS (LOWER(serial_number));
ALTER TABLE hosts ADD COLUMN udid_lc VARCHAR(255) GENERATED ALWAYS AS (LOWER(udid));
CREATE INDEX hosts_device_name_lc ON hosts (device_name_lc, id);
CREATE INDEX hosts_serial_number_lc ON hosts (serial_number_lc, id);
CREATE INDEX hosts_udid_lc ON hosts (udid_lc, id);
