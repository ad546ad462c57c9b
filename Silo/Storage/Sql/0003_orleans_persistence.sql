-- 0003 · Grain state for Microsoft.Orleans.Persistence.AdoNet (10.x).
--
-- What the provider sends and expects (read from its C#, Orleans 10.4.2):
--   * Every call binds @ServiceId text, @GrainTypeString text (the state name, e.g. the name in
--     [PersistentState("name", "storage")]), @GrainIdN0 int8, @GrainIdN1 int8 and
--     @GrainIdExtensionString text or NULL. For string-keyed grains N0 = N1 = 0 and the whole key
--     is in the extension string; integer keys put the number in N1; Guid keys split the Guid's
--     bytes over N0 and N1. The grain's type is NOT part of the identity, only the state name.
--   * It also binds @GrainIdHash and @GrainTypeHash (int4, 32-bit hashes). We ignore them: with
--     10 million rows a 32-bit hash has thousands of colliding pairs, so it could only ever be a
--     pre-filter, and our key below is better at that job.
--   * Writes and clears bind @GrainStateVersion int4, NULL for a state never read from storage
--     (the ETag). Writes bind @PayloadBinary bytea (the configured grain storage serializer's
--     output; this project uses Orleans' binary serializer).
--   * ReadFromStorageKey: zero or one row with columns PayloadBinary and Version. A row whose
--     payload is NULL means "cleared": the grain starts from a fresh state but keeps the version.
--   * WriteToStorageKey: one row with column NewGrainStateVersion on success. On a version
--     conflict, zero rows (or a NULL) -- the provider turns that into InconsistentStateException.
--   * ClearStorageKey / DeleteStorageKey: the first column of the one row is the new version and
--     must differ from the version passed in; zero rows means a conflict (InconsistentStateException).
--     The provider runs DeleteStorageKey instead of ClearStorageKey when DeleteStateOnClear is set,
--     and then forgets the ETag, so a later first write inserts again.
--
-- Semantics the rest of Villages relies on:
--   * A write with NULL @GrainStateVersion inserts version 1 only if no row exists for the key,
--     atomically (the primary key arbitrates between concurrent writers). If a row exists, even
--     a cleared one, the write returns no row and the caller gets InconsistentStateException.
--     The "claim" pattern (first writer of a key wins) is built on exactly this.
--   * A write with version N succeeds only if the stored version is N, and returns N + 1.
--
-- Key and index design, sized for ~10 million rows that are read by point lookups and written
-- all the time:
--   * The primary key is one 16-byte uuid, grainkey, derived from the full identity
--     (service, state name, N0, N1, extension) by orleansstorage_key(). A composite key over
--     the identity columns themselves would repeat two text columns in every index entry (2-3x
--     the index size); the provider's 32-bit hashes are not unique. The digest is MD5, used as a
--     plain 128-bit fingerprint: an accidental collision is out of reach (~1e-25 at 1e7 rows).
--     Every query also compares the identity columns, so even a deliberately crafted pair of
--     colliding keys could only make the second key's first write fail with
--     InconsistentStateException; it can never read or overwrite another grain's row.
--   * grainkey is computed by the one function that inserts rows (orleansstorage_write), not by a
--     generated column: PostgreSQL re-plans a stored generated column's expression (our md5
--     function, inlined and constant-folded) at every INSERT and UPDATE, which measured at ~18% of
--     the server's CPU under enrolment load. It is the only index: state is only ever found by key.
--   * Updates change payloadbinary, version and modifiedon, none of them indexed, so they can be
--     HOT updates (no index write at all) as long as the page has room for the new row version.
--     fillfactor = 80 leaves that room. Payloads above ~2 kB are moved to the TOAST table and
--     the heap row stays ~120 bytes, so the reserve goes a long way.
--   * Dead row versions pile up quickly on a table that is rewritten constantly: autovacuum is
--     asked to visit after 2% of the rows changed instead of the default 20%.
--   * Columns are ordered fixed-width first (uuid, int8, timestamptz, int4), then variable-width,
--     payload last, to avoid alignment padding.

-- The identity digest. Each text part is length-prefixed so that different identities can never
-- produce the same input string; a NULL extension is encoded differently from an empty one.
-- IMMUTABLE (md5, length, text casts and || on text are all immutable) so that it may back a
-- generated column and be folded to a constant when the planner sees the parameters.
CREATE OR REPLACE FUNCTION orleansstorage_key(
    serviceid text,
    graintypestring text,
    grainidn0 bigint,
    grainidn1 bigint,
    grainidextensionstring text)
RETURNS uuid
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $f$
    SELECT md5(
               length(serviceid)::text || ':' || serviceid
            || '|' || length(graintypestring)::text || ':' || graintypestring
            || '|' || grainidn0::text
            || '|' || grainidn1::text
            || '|' || coalesce(length(grainidextensionstring)::text || ':' || grainidextensionstring, '-')
           )::uuid
$f$;

CREATE TABLE IF NOT EXISTS orleansstorage
(
    grainkey               uuid        NOT NULL,
    grainidn0              bigint      NOT NULL,
    grainidn1              bigint      NOT NULL,
    modifiedon             timestamptz NOT NULL DEFAULT now(),
    version                integer     NOT NULL,
    serviceid              text        NOT NULL,
    graintypestring        text        NOT NULL,
    grainidextensionstring text        NULL,
    payloadbinary          bytea       NULL,
    CONSTRAINT orleansstorage_pk PRIMARY KEY (grainkey)
)
WITH (
    fillfactor = 80,
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.05
);

COMMENT ON TABLE orleansstorage IS
    'Orleans grain state (AdoNet grain storage). One row per (service, state name, grain key); version is the ETag. Written only through the queries in orleansquery.';

-- "Row s holds the state of this identity": the primary-key lookup plus the comparison of the
-- identity columns themselves (see above). Every query selects its row through this one predicate.
-- A plain SQL expression, so the planner inlines it and still sees grainkey = <constant> for the
-- index scan.
CREATE OR REPLACE FUNCTION orleansstorage_holds(
    s orleansstorage,
    serviceid text,
    graintypestring text,
    grainidn0 bigint,
    grainidn1 bigint,
    grainidextensionstring text)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $f$
    SELECT s.grainkey = orleansstorage_key(serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring)
       AND s.serviceid = serviceid
       AND s.graintypestring = graintypestring
       AND s.grainidn0 = grainidn0
       AND s.grainidn1 = grainidn1
       AND s.grainidextensionstring IS NOT DISTINCT FROM grainidextensionstring
$f$;

-- The write, as one function: see WriteToStorageKey below.
CREATE OR REPLACE FUNCTION orleansstorage_write(
    p_serviceid text,
    p_graintypestring text,
    p_grainidn0 bigint,
    p_grainidn1 bigint,
    p_grainidextensionstring text,
    p_version integer,
    p_payload bytea)
RETURNS integer
LANGUAGE plpgsql
AS $f$
DECLARE
    new_version integer;
BEGIN
    IF p_version IS NULL THEN
        INSERT INTO orleansstorage
            (grainkey, serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring, version, payloadbinary)
        VALUES (orleansstorage_key(p_serviceid, p_graintypestring, p_grainidn0, p_grainidn1, p_grainidextensionstring),
                p_serviceid, p_graintypestring, p_grainidn0, p_grainidn1, p_grainidextensionstring, 1, p_payload)
        ON CONFLICT (grainkey) DO NOTHING
        RETURNING version INTO new_version;
    ELSE
        UPDATE orleansstorage s
           SET payloadbinary = p_payload,
               version = s.version + 1,
               modifiedon = now()
         WHERE orleansstorage_holds(s, p_serviceid, p_graintypestring, p_grainidn0, p_grainidn1, p_grainidextensionstring)
           AND s.version = p_version
        RETURNING s.version INTO new_version;
    END IF;
    RETURN new_version;
END
$f$;

INSERT INTO orleansquery (querykey, querytext) VALUES

('ReadFromStorageKey', $q$
SELECT s.payloadbinary AS "PayloadBinary",
       s.version       AS "Version"
  FROM orleansstorage s
 WHERE orleansstorage_holds(s, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString)
$q$),

-- Both cases in one plpgsql function (plans cached per connection, one branch executed): with a
-- version, compare-and-swap on the stored version; without one, insert version 1 unless any row
-- already holds the key (ON CONFLICT on the primary key, so two concurrent first writes cannot
-- both succeed). NULL means a conflict; the provider turns it into InconsistentStateException.
('WriteToStorageKey', $q$
SELECT orleansstorage_write(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
                            @GrainStateVersion, @PayloadBinary) AS "NewGrainStateVersion"
$q$),

-- Clear keeps the row (payload NULL) and bumps the version, so the next write must carry the
-- new version and a stale activation cannot resurrect old state.
('ClearStorageKey', $q$
UPDATE orleansstorage s
   SET payloadbinary = NULL,
       version = s.version + 1,
       modifiedon = now()
 WHERE orleansstorage_holds(s, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString)
   AND s.version = @GrainStateVersion
RETURNING s.version AS "NewGrainStateVersion"
$q$),

-- Used instead of ClearStorageKey when DeleteStateOnClear = true. The row goes away (so the key
-- can be claimed again by a first write); the provider only needs a value different from the
-- version it passed, hence version + 1.
('DeleteStorageKey', $q$
DELETE FROM orleansstorage s
 WHERE orleansstorage_holds(s, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString)
   AND s.version = @GrainStateVersion
RETURNING s.version + 1 AS "NewGrainStateVersion"
$q$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
