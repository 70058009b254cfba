CREATE TABLE "services" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name_bg" text NOT NULL,
	"name_en" text NOT NULL,
	"how_bg" text DEFAULT '' NOT NULL,
	"how_en" text DEFAULT '' NOT NULL,
	"documents_bg" text DEFAULT '' NOT NULL,
	"documents_en" text DEFAULT '' NOT NULL,
	"deadline_bg" text DEFAULT '' NOT NULL,
	"deadline_en" text DEFAULT '' NOT NULL,
	"price_bg" text DEFAULT '' NOT NULL,
	"price_en" text DEFAULT '' NOT NULL,
	"unit_id" integer,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "services_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "announcements" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "announcements_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"title_bg" text NOT NULL,
	"title_en" text NOT NULL,
	"text_bg" text NOT NULL,
	"text_en" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"center" geometry(Point,4326),
	"radius_m" integer,
	"unit_id" integer,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_transfers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "call_transfers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"operator_id" text NOT NULL,
	"organisation_id" integer NOT NULL,
	"caller_name" text,
	"caller_phone" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "service_messages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "service_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"sent_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" text,
	"actor_label" text NOT NULL,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"ip" text
);
--> statement-breakpoint
ALTER TABLE "case_types" ADD COLUMN "route_to" text DEFAULT 'district' NOT NULL;--> statement-breakpoint
ALTER TABLE "case_types" ADD COLUMN "route_unit_id" integer;--> statement-breakpoint
ALTER TABLE "case_types" ADD COLUMN "route_organisation_id" integer;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "call_transfer" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "functions_bg" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "functions_en" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "sort" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "functions_bg" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "functions_en" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "hours" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "email" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "actor_id" text;--> statement-breakpoint
ALTER TABLE "case_files" ADD COLUMN "hidden_reason" text;--> statement-breakpoint
ALTER TABLE "case_files" ADD COLUMN "event_id" bigint;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "organisation_id" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "assignee_id" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "hidden_reason" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "duplicate_of_id" bigint;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "first_answer_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "announcements" ADD CONSTRAINT "announcements_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "announcements" ADD CONSTRAINT "announcements_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_transfers" ADD CONSTRAINT "call_transfers_operator_id_users_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_transfers" ADD CONSTRAINT "call_transfers_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_messages" ADD CONSTRAINT "service_messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_messages" ADD CONSTRAINT "service_messages_sent_by_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "announcements_period_idx" ON "announcements" USING btree ("ends_at","starts_at");--> statement-breakpoint
CREATE INDEX "call_transfers_at_idx" ON "call_transfers" USING btree ("at");--> statement-breakpoint
CREATE INDEX "service_messages_user_idx" ON "service_messages" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity","entity_id");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_unit_open_idx" ON "cases" USING btree ("unit_id","registered_at") WHERE "cases"."closed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "cases_submitter_phone_idx" ON "cases" USING btree ("submitter_phone") WHERE "cases"."submitter_phone" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_submitter_email_idx" ON "cases" USING btree ("submitter_email") WHERE "cases"."submitter_email" IS NOT NULL;