-- 0006 · BPJS participant numbers (KPJ) given by branches' result files, by keyed hash of the KPJ
-- and of the NIK (never either in clear): a KPJ belongs to one worker in the whole country, so a
-- result file that gives a KPJ already known for another NIK is refused on that row.
CREATE TABLE IF NOT EXISTS kpj_registry
(
    service_id  text        NOT NULL,
    kpj_key     bytea       NOT NULL,
    nik_key     bytea       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT kpj_registry_pk PRIMARY KEY (service_id, kpj_key),
    CONSTRAINT kpj_registry_key_size CHECK (octet_length(kpj_key) = 16 AND octet_length(nik_key) = 16)
);

COMMENT ON TABLE kpj_registry IS
    'Which worker (keyed hash of the NIK) each BPJS participant number (keyed hash of the KPJ) belongs to. Written by Villages.Registry.NikRegistry only.';
