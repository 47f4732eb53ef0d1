-- Processes and credentials belong to their owners (20261201092432): their names are unique per owner, and, as
-- every other name (20261201090000), regardless of case. This replaces the install-wide lower("name") index on
-- processes, which would let one user's process names block (and reveal) another's.
--
-- A database whose names already differ only in case for one owner cannot take the indexes: the migration stops
-- with a message naming every clash (and changes nothing), so they can be renamed before it is run again.
DO $$
DECLARE
  clashes text;
BEGIN
  SELECT string_agg(kind || ' ' || names, '; ' ORDER BY ord) INTO clashes FROM (
    SELECT 1 AS ord, 'processes' AS kind, string_agg('"' || "name" || '"', ', ' ORDER BY "name" COLLATE "C") AS names
      FROM "Process" GROUP BY "ownerId", lower("name") HAVING count(*) > 1
    UNION ALL
    SELECT 2, 'credentials', string_agg('"' || "name" || '"', ', ' ORDER BY "name" COLLATE "C")
      FROM "Credential" GROUP BY "ownerId", lower("name") HAVING count(*) > 1
  ) AS found;
  IF clashes IS NOT NULL THEN
    RAISE EXCEPTION 'names must be unique per owner regardless of case, and these differ only in case: %. Rename all but one of each, then run the migration again', clashes;
  END IF;
END $$;

DROP INDEX "Process_name_lower_key";
CREATE UNIQUE INDEX "Process_ownerId_name_lower_key" ON "Process" ("ownerId", lower("name"));
CREATE UNIQUE INDEX "Credential_ownerId_name_lower_key" ON "Credential" ("ownerId", lower("name"));
