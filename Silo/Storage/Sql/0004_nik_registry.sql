-- 0004 · The national NIK registry: one row per worker enrolled anywhere, keyed by a keyed hash
-- of the NIK (HMAC-SHA256 under the deployment's secret, first 16 bytes), never by the NIK.
--
-- It is an index, not grain state: its one job is "one worker, one village" across the whole
-- country, which a primary key does best. Claims arrive in batches (all the claims in flight in
-- a silo go in one statement), so a batch of 100 workers costs one registry statement, not 100.
--
--   * service_id scopes rows to a deployment, as OrleansStorage does.
--   * version is a fence: a holder re-claiming its own row bumps it, and a takeover from a holder
--     that no longer has the worker only succeeds against the version it saw (see README, "The
--     one-village protocol").
CREATE TABLE IF NOT EXISTS nik_registry
(
    service_id   text        NOT NULL,
    nik_key      bytea       NOT NULL,
    village_code text        NOT NULL,
    version      integer     NOT NULL DEFAULT 1,
    claimed_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT nik_registry_pk PRIMARY KEY (service_id, nik_key),
    CONSTRAINT nik_registry_key_size CHECK (octet_length(nik_key) = 16)
)
WITH (fillfactor = 90);

COMMENT ON TABLE nik_registry IS
    'Which village holds each worker, by keyed hash of the NIK. Written by Villages.Registry.NikRegistry only.';
