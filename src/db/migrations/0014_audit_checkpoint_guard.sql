-- Retention checkpoints are written only by a retention purge (which sets qingche.audit_purge for
-- its transaction) and never changed or removed afterwards.
CREATE OR REPLACE FUNCTION audit_checkpoint_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF coalesce(current_setting('qingche.audit_purge', true), '') <> 'on' THEN
      RAISE EXCEPTION 'audit_checkpoint rows are written only by a retention purge' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_checkpoint is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_checkpoint_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_checkpoint FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_guard();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoint_guard();
