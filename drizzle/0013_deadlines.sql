CREATE TABLE "case_clocks" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "case_clocks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"case_id" bigint NOT NULL,
	"policy_id" integer NOT NULL,
	"code" text NOT NULL,
	"legal" boolean NOT NULL,
	"state" text NOT NULL,
	"started_on" date,
	"due_on" date,
	"due_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"extended_days" integer DEFAULT 0 NOT NULL,
	"extensions" smallint DEFAULT 0 NOT NULL,
	"stopped_at" timestamp with time zone,
	CONSTRAINT "case_clocks_state_ck" CHECK ("case_clocks"."state" IN ('waiting', 'running', 'paused', 'stopped', 'expired'))
);
--> statement-breakpoint
CREATE TABLE "clock_notices" (
	"clock_id" bigint NOT NULL,
	"step" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deadline_policies" (
	"id" serial PRIMARY KEY NOT NULL,
	"organisation_id" integer NOT NULL,
	"kind" text NOT NULL,
	"type_id" integer,
	"valid_from" date NOT NULL,
	"clocks" jsonb NOT NULL,
	"note" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_clocks" ADD CONSTRAINT "case_clocks_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_clocks" ADD CONSTRAINT "case_clocks_policy_id_deadline_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."deadline_policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clock_notices" ADD CONSTRAINT "clock_notices_clock_id_case_clocks_id_fk" FOREIGN KEY ("clock_id") REFERENCES "public"."case_clocks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deadline_policies" ADD CONSTRAINT "deadline_policies_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deadline_policies" ADD CONSTRAINT "deadline_policies_type_id_case_types_id_fk" FOREIGN KEY ("type_id") REFERENCES "public"."case_types"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deadline_policies" ADD CONSTRAINT "deadline_policies_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "case_clocks_case_code_uq" ON "case_clocks" USING btree ("case_id","code");--> statement-breakpoint
CREATE INDEX "case_clocks_running_due_idx" ON "case_clocks" USING btree ("due_at") WHERE "case_clocks"."state" = 'running';--> statement-breakpoint
CREATE UNIQUE INDEX "clock_notices_uq" ON "clock_notices" USING btree ("clock_id","step");--> statement-breakpoint
CREATE UNIQUE INDEX "deadline_policies_uq" ON "deadline_policies" USING btree ("organisation_id","kind",coalesce("type_id", 0),"valid_from");--> statement-breakpoint
CREATE INDEX "cases_unit_due_idx" ON "cases" USING btree ("unit_id","due_at") WHERE "cases"."closed_at" IS NULL;