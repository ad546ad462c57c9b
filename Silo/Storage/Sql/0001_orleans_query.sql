-- 0001 · The catalogue of SQL that Orleans' ADO.NET providers execute.
--
-- Every Orleans ADO.NET provider (clustering, persistence, ...) starts by running
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and afterwards only ever executes the text it found under a well-known key, binding named
-- parameters (@DeploymentId, @GrainStateVersion, ...) and reading result columns by name.
-- The identifiers in that query are unquoted, so PostgreSQL folds them to lower case: the
-- table must be called orleansquery with columns querykey and querytext, all lower case.
--
-- The later scripts fill this table with upserts (INSERT ... ON CONFLICT (querykey) DO UPDATE),
-- so replacing a query is just a new migration that upserts the new text; running any script
-- twice is harmless.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  text NOT NULL,
    querytext text NOT NULL,
    CONSTRAINT orleansquery_pk PRIMARY KEY (querykey)
);

COMMENT ON TABLE orleansquery IS
    'SQL text that the Orleans ADO.NET providers read at start-up and execute by key. Owned by Villages migrations (Grains/Storage/Sql).';
