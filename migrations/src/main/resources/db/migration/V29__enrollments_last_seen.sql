-- The console's host list sorted by last seen at 100,000 hosts (issue #18). The time is the device channel's, updated
-- by every check-in; this index lets a page of that sort be read in order (id is the cursor's tiebreak) instead of
-- sorting every host, at the cost of one index entry moved per check-in and no extra statement.
CREATE INDEX enrollments_last_seen_id ON enrollments (last_seen_at, id);
