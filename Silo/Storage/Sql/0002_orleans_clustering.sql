-- 0002 · Cluster membership for Microsoft.Orleans.Clustering.AdoNet (10.x).
--
-- The provider refuses to start unless orleansquery holds all nine keys upserted below
-- (GatewaysQueryKey, MembershipReadRowKey, MembershipReadAllKey, InsertMembershipVersionKey,
-- UpdateIAmAlivetimeKey, InsertMembershipKey, UpdateMembershipKey,
-- DeleteMembershipTableEntriesKey, CleanupDefunctSiloEntriesKey).
--
-- What the provider sends and expects (read from its C#, Orleans 10.4.2):
--   * Parameters: @DeploymentId text (the ClusterId), @Address text (IP address as a string),
--     @Port/@Generation/@Status/@ProxyPort/@Version int4, @SiloName/@HostName text,
--     @SuspectTimes text or NULL ("silo,time|silo,time"), @StartTime/@IAmAliveTime DateTime in UTC.
--     Every parameter is typed, so NULLs need no casts.
--   * Reads: the columns Address, Port, Generation, SiloName, HostName, Status, ProxyPort,
--     SuspectTimes, StartTime, IAmAliveTime and Version, looked up by name. Status, Port,
--     ProxyPort and Generation are read with GetInt32, so they must be int4 and ProxyPort
--     must not be NULL on a member row. StartTime being NULL is how the provider recognises
--     "the version row exists but no member matched".
--   * The membership read queries must always return the table version row (a LEFT JOIN from the
--     version table), even when there are no members; no row at all is an error for the caller.
--   * Insert/Update/InsertVersion return one row with one column that converts to a boolean.
--   * @Version on insert/update is the version the caller last read. The write succeeds only
--     if that is still the stored version, and then bumps it: this is the optimistic
--     concurrency at the heart of the Orleans membership protocol.
--
-- Times are timestamptz: Npgsql writes a UTC DateTime as timestamptz and reads timestamptz back
-- as a UTC DateTime, whatever the session's TimeZone. (With timestamp without time zone the
-- value would be shifted by the session time zone on the way in.)
--
-- These tables hold a handful of rows per cluster and change a few times a minute (heartbeats),
-- so they get no storage tuning.

CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid text        NOT NULL,
    version      integer     NOT NULL DEFAULT 0,
    updatedat    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleansmembershipversiontable_pk PRIMARY KEY (deploymentid)
);

COMMENT ON TABLE orleansmembershipversiontable IS
    'One row per Orleans cluster (ClusterId): the membership table version used for optimistic concurrency.';

CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid text        NOT NULL,
    address      text        NOT NULL,
    port         integer     NOT NULL,
    generation   integer     NOT NULL,
    siloname     text        NOT NULL,
    hostname     text        NOT NULL,
    status       integer     NOT NULL,
    proxyport    integer     NOT NULL DEFAULT 0,
    suspecttimes text        NULL,
    starttime    timestamptz NOT NULL,
    iamalivetime timestamptz NOT NULL,
    CONSTRAINT orleansmembershiptable_pk PRIMARY KEY (deploymentid, address, port, generation),
    -- Deleting a cluster's version row takes its members with it (DeleteMembershipTableEntriesKey).
    CONSTRAINT orleansmembershiptable_version_fk FOREIGN KEY (deploymentid)
        REFERENCES orleansmembershipversiontable (deploymentid) ON DELETE CASCADE
);

COMMENT ON TABLE orleansmembershiptable IS
    'One row per silo incarnation (address, port, generation). Status is Orleans SiloStatus: 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.';

-- What both membership reads return: the cluster's version row, outer-joined to its silos (all of
-- them, or the one silo given by address, port and generation), under the column names the
-- provider reads. The version row drives the outer side of the join so that "no such silo" still
-- yields the version. One statement, so version and rows come from one snapshot. A plain SQL
-- function, which the planner inlines into the calling query.
CREATE OR REPLACE FUNCTION orleansmembership_read(
    cluster text,
    silo_address text,
    silo_port integer,
    silo_generation integer)
RETURNS TABLE (
    "Version" integer,
    "Address" text,
    "Port" integer,
    "Generation" integer,
    "SiloName" text,
    "HostName" text,
    "Status" integer,
    "ProxyPort" integer,
    "SuspectTimes" text,
    "StartTime" timestamptz,
    "IAmAliveTime" timestamptz)
LANGUAGE sql
STABLE
AS $f$
    SELECT v.version, m.address, m.port, m.generation, m.siloname, m.hostname,
           m.status, m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime
      FROM orleansmembershipversiontable v
      LEFT JOIN orleansmembershiptable m
             ON m.deploymentid = v.deploymentid
            AND (silo_address IS NULL
                 OR (m.address = silo_address AND m.port = silo_port AND m.generation = silo_generation))
     WHERE v.deploymentid = cluster
$f$;

-- The optimistic concurrency step of every membership write: increment the cluster's table
-- version if it still is the version the caller read (expected_version) and the silo is listed
-- (silo_listed) or not, as the caller requires. Returns the cluster id if it bumped, no row
-- otherwise. The UPDATE locks the version row, so writers of one cluster queue up here, and a
-- writer that waited re-checks the version against the row its predecessor committed: of two
-- writers holding the same version, exactly one succeeds. Called from a CTE, so it runs once per
-- statement and belongs to the statement's transaction.
CREATE OR REPLACE FUNCTION orleansmembership_bump_version(
    cluster text,
    expected_version integer,
    silo_address text,
    silo_port integer,
    silo_generation integer,
    silo_listed boolean)
RETURNS SETOF text
LANGUAGE sql
VOLATILE
AS $f$
    UPDATE orleansmembershipversiontable v
       SET version = v.version + 1,
           updatedat = now()
     WHERE v.deploymentid = cluster
       AND v.version = expected_version
       AND silo_listed = EXISTS (
               SELECT 1
                 FROM orleansmembershiptable m
                WHERE m.deploymentid = cluster
                  AND m.address = silo_address
                  AND m.port = silo_port
                  AND m.generation = silo_generation)
    RETURNING v.deploymentid
$f$;

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Silos call this once at start-up; the first one creates the cluster's version row.
-- Returns true only for the caller that created it.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleansmembershipversiontable (deploymentid)
    VALUES (@DeploymentId)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1
)
SELECT count(*) > 0 FROM created
$q$),

-- One silo's row, plus the table version (see orleansmembership_read).
('MembershipReadRowKey', $q$
SELECT * FROM orleansmembership_read(@DeploymentId, @Address, @Port, @Generation)
$q$),

-- All silos of the cluster and the table version.
('MembershipReadAllKey', $q$
SELECT * FROM orleansmembership_read(@DeploymentId, NULL, NULL, NULL)
$q$),

-- A silo announces itself: bump the version (the caller's version is current and the silo is
-- not listed yet), then insert the row. Version row lock and primary key make this atomic: should
-- two inserts of the very same silo still collide, the key violation rolls back the whole
-- statement, bump included, which Orleans treats as a failed attempt and retries.
('InsertMembershipKey', $q$
WITH bumped AS (
    SELECT b.cluster
      FROM orleansmembership_bump_version(@DeploymentId, @Version, @Address, @Port, @Generation, false) AS b(cluster)
), inserted AS (
    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
    SELECT b.cluster, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
      FROM bumped b
    RETURNING 1
)
SELECT count(*) > 0 FROM inserted
$q$),

-- Status changes and suspicions: bump the version (the caller's version is current and the silo
-- is listed), then update the silo row. (Should the row vanish between the two steps, through
-- CleanupDefunctSiloEntriesKey, the answer is "false" with a bumped version, which only makes
-- other silos re-read the table.)
('UpdateMembershipKey', $q$
WITH bumped AS (
    SELECT b.cluster
      FROM orleansmembership_bump_version(@DeploymentId, @Version, @Address, @Port, @Generation, true) AS b(cluster)
), updated AS (
    UPDATE orleansmembershiptable m
       SET status = @Status,
           suspecttimes = @SuspectTimes,
           iamalivetime = @IAmAliveTime
      FROM bumped b
     WHERE m.deploymentid = b.cluster
       AND m.address = @Address
       AND m.port = @Port
       AND m.generation = @Generation
    RETURNING 1
)
SELECT count(*) > 0 FROM updated
$q$),

-- Heartbeat. Deliberately outside the versioning protocol: it must not make others re-read.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleansmembershiptable
   SET iamalivetime = @IAmAliveTime
 WHERE deploymentid = @DeploymentId
   AND address = @Address
   AND port = @Port
   AND generation = @Generation
$q$),

-- Clients find gateways here: active silos that opened a gateway port. Status arrives as 3 (Active).
('GatewaysQueryKey', $q$
SELECT address    AS "Address",
       proxyport  AS "ProxyPort",
       generation AS "Generation"
  FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND status = @Status
   AND proxyport > 0
$q$),

-- Removes a whole cluster (used by tooling and tests): the foreign key cascades to the members.
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleansmembershipversiontable
 WHERE deploymentid = @DeploymentId
$q$),

-- Periodic clean-up of silos that stopped heart-beating before @IAmAliveTime (by default a week
-- ago). Rows of Active silos are never removed here: declaring a silo dead is the membership
-- protocol's decision, not this query's.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND iamalivetime < @IAmAliveTime
   AND status <> 3
$q$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
