-- 0005 · Every village that ever enrolled a worker, by the worker's registry key (never the NIK).
--
-- nik_registry says who holds a worker now, and forgets them when their coverage is withdrawn.
-- "Was this worker covered on that day?" (a claim after a death or a work accident) also needs the
-- villages that covered them before: the lookup asks each of them. Rows are only ever added, in
-- the same statement as the claim (or takeover) that grants the worker to a village.
CREATE TABLE IF NOT EXISTS nik_history
(
    service_id   text        NOT NULL,
    nik_key      bytea       NOT NULL,
    village_code text        NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT nik_history_pk PRIMARY KEY (service_id, nik_key, village_code),
    CONSTRAINT nik_history_key_size CHECK (octet_length(nik_key) = 16)
);

COMMENT ON TABLE nik_history IS
    'Every village that ever held each worker, by keyed hash of the NIK. Written by Villages.Registry.NikRegistry only.';

-- The holders of today (the first release kept no history; villages add their withdrawn workers when they next wake).
INSERT INTO nik_history (service_id, nik_key, village_code)
SELECT service_id, nik_key, village_code FROM nik_registry
ON CONFLICT DO NOTHING;
