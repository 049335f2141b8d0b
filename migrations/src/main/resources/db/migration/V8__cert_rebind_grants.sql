-- Permission for a device to bind a new identity certificate with its next Authenticate while
-- the binding it has would otherwise refuse that (see CertificateBinder). One per device, spent
-- by the bind it allows. reason: 'admin' (binding released through the API), 'checkout' (the
-- device checked out with its bound certificate), 'renewal' (an admin opened a renewal window,
-- the old certificate keeps working until expires_at or the re-bind).
CREATE TABLE cert_rebind_grants (
    device_id           VARCHAR(255) NOT NULL,
    reason              VARCHAR(31)  NOT NULL,
    granted_by          VARCHAR(255) NULL,
    granted_at          BIGINT       NOT NULL,
    expires_at          BIGINT       NULL,
    PRIMARY KEY (device_id)
);
