-- APNs bookkeeping per enrollment. token_invalid is set when APNs says the token is gone
-- (410 Unregistered, 400 BadDeviceToken) and cleared by the next TokenUpdate; last_push_at and
-- repush_count drive re-pushing enrollments whose commands wait while they stay silent.
ALTER TABLE enrollments ADD COLUMN token_invalid BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE enrollments ADD COLUMN token_invalid_reason VARCHAR(255) NULL;
ALTER TABLE enrollments ADD COLUMN last_push_at BIGINT NULL;
ALTER TABLE enrollments ADD COLUMN repush_count INT NOT NULL DEFAULT 0;
CREATE INDEX enrollments_repush ON enrollments (enabled, token_invalid, last_seen_at);
