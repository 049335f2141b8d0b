-- Lock/wipe PINs are stored sealed (SecretBox, bound to their row): "sealed:v2:" + base64 of
-- nonce (12) + PIN + tag (16) is 58 characters for six digits. Sealing happens at start in the
-- server (SecretSealingPass), which knows the key; bootstrap and unlock tokens stay MEDIUMBLOB
-- (16 MiB), which holds a sealed token of up to about 12 MiB.
ALTER TABLE host_pins MODIFY pin VARCHAR(255) NOT NULL;
