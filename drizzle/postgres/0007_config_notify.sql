-- A NOTIFY on gatehouse_config, with the table's name as payload, when the policy rules or the
-- outgoing webhooks change: each web server keeps the two lists in memory for the requests it
-- answers (lib/db/postgres/config-cache.ts) and reads them again when told.
CREATE FUNCTION gatehouse_notify_config() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_config', TG_TABLE_NAME);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER rules_notify_config AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rules
FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_config();
--> statement-breakpoint
CREATE TRIGGER webhooks_notify_config AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON webhooks
FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_config();
