-- Commands that carry a secret (DeviceLock's PIN, ClearPasscode's UnlockToken, ...) are stored sealed; the
-- sealing pass at every start looks for such rows still in plaintext by request type, which this index serves
-- instead of a scan of every queued command.
CREATE INDEX commands_request_type ON commands (request_type);
