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

-- One silo's row, plus the table version. The version row drives the outer side of the join
-- so that "no such silo" still yields the version.
('MembershipReadRowKey', $q$
SELECT
    v.version       AS "Version",
    m.address       AS "Address",
    m.port          AS "Port",
    m.generation    AS "Generation",
    m.siloname      AS "SiloName",
    m.hostname      AS "HostName",
    m.status        AS "Status",
    m.proxyport     AS "ProxyPort",
    m.suspecttimes  AS "SuspectTimes",
    m.starttime     AS "StartTime",
    m.iamalivetime  AS "IAmAliveTime"
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m
       ON m.deploymentid = v.deploymentid
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
WHERE v.deploymentid = @DeploymentId
$q$),

-- All silos of the cluster and the table version, from one snapshot (a single statement).
('MembershipReadAllKey', $q$
SELECT
    v.version       AS "Version",
    m.address       AS "Address",
    m.port          AS "Port",
    m.generation    AS "Generation",
    m.siloname      AS "SiloName",
    m.hostname      AS "HostName",
    m.status        AS "Status",
    m.proxyport     AS "ProxyPort",
    m.suspecttimes  AS "SuspectTimes",
    m.starttime     AS "StartTime",
    m.iamalivetime  AS "IAmAliveTime"
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m
       ON m.deploymentid = v.deploymentid
WHERE v.deploymentid = @DeploymentId
$q$),

-- A silo announces itself. The version bump comes first and carries both conditions (the
-- caller's version is current and the silo is not yet listed), so a concurrent writer that
-- got there first makes this a clean "false". The version row's lock serialises writers;
-- if two inserts of the very same silo still collide, the primary key raises and the whole
-- statement (bump included) rolls back, which Orleans treats as a failed attempt and retries.
('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE orleansmembershipversiontable v
       SET version = v.version + 1,
           updatedat = now()
     WHERE v.deploymentid = @DeploymentId
       AND v.version = @Version
       AND NOT EXISTS (
               SELECT 1
                 FROM orleansmembershiptable m
                WHERE m.deploymentid = @DeploymentId
                  AND m.address = @Address
                  AND m.port = @Port
                  AND m.generation = @Generation)
    RETURNING v.deploymentid
), inserted AS (
    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
    SELECT b.deploymentid, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
      FROM bumped b
    RETURNING 1
)
SELECT count(*) > 0 FROM inserted
$q$),

-- Status changes and suspicions. Same shape as the insert: bump the version only if it is
-- the caller's and the silo exists, then update the silo row. (Should the row vanish between
-- the two steps, through CleanupDefunctSiloEntriesKey, the answer is "false" with a bumped
-- version, which only makes other silos re-read the table.)
('UpdateMembershipKey', $q$
WITH bumped AS (
    UPDATE orleansmembershipversiontable v
       SET version = v.version + 1,
           updatedat = now()
     WHERE v.deploymentid = @DeploymentId
       AND v.version = @Version
       AND EXISTS (
               SELECT 1
                 FROM orleansmembershiptable m
                WHERE m.deploymentid = @DeploymentId
                  AND m.address = @Address
                  AND m.port = @Port
                  AND m.generation = @Generation)
    RETURNING v.deploymentid
), updated AS (
    UPDATE orleansmembershiptable m
       SET status = @Status,
           suspecttimes = @SuspectTimes,
           iamalivetime = @IAmAliveTime
      FROM bumped b
     WHERE m.deploymentid = b.deploymentid
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
