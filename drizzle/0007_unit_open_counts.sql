CREATE TABLE "unit_open_counts" (
	"unit_id" integer NOT NULL,
	"status" text NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "unit_open_counts_unit_id_status_pk" PRIMARY KEY("unit_id","status")
);
--> statement-breakpoint
-- Kept in the transaction of every change to a case: the inbox's counts of open work (CC-10).
-- Rows are touched in (unit, status) order, so two changes never wait on each other crosswise.
CREATE OR REPLACE FUNCTION cases_open_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  dec_unit integer;
  dec_status text;
  inc_unit integer;
  inc_status text;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF OLD.closed_at IS NULL AND OLD.unit_id IS NOT NULL THEN
      dec_unit := OLD.unit_id;
      dec_status := OLD.status;
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.closed_at IS NULL AND NEW.unit_id IS NOT NULL THEN
      inc_unit := NEW.unit_id;
      inc_status := NEW.status;
    END IF;
  END IF;
  IF dec_unit IS NOT DISTINCT FROM inc_unit AND dec_status IS NOT DISTINCT FROM inc_status THEN
    RETURN NULL;
  END IF;
  IF dec_unit IS NOT NULL AND (inc_unit IS NULL OR dec_unit < inc_unit OR (dec_unit = inc_unit AND dec_status < inc_status)) THEN
    UPDATE unit_open_counts SET n = n - 1 WHERE unit_id = dec_unit AND status = dec_status;
    dec_unit := NULL;
  END IF;
  IF inc_unit IS NOT NULL THEN
    INSERT INTO unit_open_counts (unit_id, status, n) VALUES (inc_unit, inc_status, 1)
    ON CONFLICT (unit_id, status) DO UPDATE SET n = unit_open_counts.n + 1;
  END IF;
  IF dec_unit IS NOT NULL THEN
    UPDATE unit_open_counts SET n = n - 1 WHERE unit_id = dec_unit AND status = dec_status;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cases_open_counts AFTER INSERT OR DELETE OR UPDATE OF unit_id, status, closed_at ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_open_counts();
--> statement-breakpoint
INSERT INTO unit_open_counts (unit_id, status, n)
  SELECT unit_id, status, count(*)::int FROM cases WHERE closed_at IS NULL AND unit_id IS NOT NULL GROUP BY unit_id, status;
