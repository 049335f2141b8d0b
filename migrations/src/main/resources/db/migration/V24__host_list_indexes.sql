-- The console's host list at 100,000 hosts (issue #18). Same conventions as V1: separate CREATE INDEX statements.
--
-- Each sort the list offers on a hosts column is an index with id after it (the tiebreak of the keyset cursor), so a
-- page is read in order from the index, stopping after limit + 1 rows, whether or not a filter or a broad search
-- (V22) is applied to that scan. H2 uses an index for ORDER BY only when it names every sort column (InnoDB would
-- append the primary key itself), and it scans such an index backwards for a descending sort.
CREATE INDEX hosts_serial_number_id ON hosts (serial_number, id);
CREATE INDEX hosts_device_name_id ON hosts (device_name, id);
CREATE INDEX hosts_os_version_id ON hosts (os_version, id);
CREATE INDEX hosts_enrolled_at_id ON hosts (enrolled_at, id);
CREATE INDEX hosts_created_at_id ON hosts (created_at, id);
-- Also the platform filter (a third of the fleet for iOS) in id order.
CREATE INDEX hosts_platform_id ON hosts (platform, id);
