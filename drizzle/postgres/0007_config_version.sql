-- Counts the changes to the policy rules and the outgoing webhooks (meta's config_version, written
-- by the first change). A web server keeps the two lists in memory and reads this count with each
-- agent's token, in the same query, so that a change committed through any connection applies to
-- the very next request (lib/db/postgres/config-cache.ts). A row, not a sequence: its new value is
-- seen only once the change itself has committed.
CREATE FUNCTION gatehouse_count_config_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO meta (key, value) VALUES ('config_version', '1')
  ON CONFLICT (key) DO UPDATE SET value = (meta.value::int8 + 1)::text;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER rules_count_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rules
FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_count_config_change();
--> statement-breakpoint
CREATE TRIGGER webhooks_count_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON webhooks
FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_count_config_change();
