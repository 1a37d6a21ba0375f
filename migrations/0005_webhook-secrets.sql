ALTER TABLE "triggers" ADD COLUMN "secret_ciphertext" "bytea";--> statement-breakpoint
ALTER TABLE "triggers" ADD COLUMN "secret_iv" "bytea";--> statement-breakpoint
ALTER TABLE "triggers" ADD COLUMN "secret_tag" "bytea";--> statement-breakpoint
ALTER TABLE "triggers" ADD COLUMN "secret_last4" text;