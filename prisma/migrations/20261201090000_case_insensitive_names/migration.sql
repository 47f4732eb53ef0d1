-- Names of users, plugin sources and processes are unique regardless of case: "ALICE" beside "alice" is refused.
-- Prisma cannot declare an index on an expression, so these live only here (schema.prisma says so beside @unique).
--
-- A database that already holds names differing only in case cannot take the indexes: the migration stops with a
-- message naming every clash (and changes nothing), so they can be renamed before it is run again.
DO $$
DECLARE
  clashes text;
BEGIN
  SELECT string_agg(kind || ' ' || names, '; ' ORDER BY ord) INTO clashes FROM (
    SELECT 1 AS ord, 'users' AS kind, string_agg('"' || "username" || '"', ', ' ORDER BY "username" COLLATE "C") AS names
      FROM "User" GROUP BY lower("username") HAVING count(*) > 1
    UNION ALL
    SELECT 2, 'plugin sources', string_agg('"' || "name" || '"', ', ' ORDER BY "name" COLLATE "C")
      FROM "PluginSource" GROUP BY lower("name") HAVING count(*) > 1
    UNION ALL
    SELECT 3, 'processes', string_agg('"' || "name" || '"', ', ' ORDER BY "name" COLLATE "C")
      FROM "Process" GROUP BY lower("name") HAVING count(*) > 1
  ) AS found;
  IF clashes IS NOT NULL THEN
    RAISE EXCEPTION 'names must be unique regardless of case, and these differ only in case: %. Rename all but one of each (in the app, or with SQL), then run the migration again', clashes;
  END IF;
END $$;

CREATE UNIQUE INDEX "User_username_lower_key" ON "User" (lower("username"));
CREATE UNIQUE INDEX "PluginSource_name_lower_key" ON "PluginSource" (lower("name"));
CREATE UNIQUE INDEX "Process_name_lower_key" ON "Process" (lower("name"));
