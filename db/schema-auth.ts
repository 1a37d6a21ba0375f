/**
 * Identity and workspaces: users, workspaces and their members' roles, sign-in sessions, personal
 * API tokens, one-time sign-in links, encrypted workspace secrets, the audit log and the record of
 * sign-in attempts the rate limiter reads.
 *
 * Nothing here stores a credential in a usable form: passwords are scrypt hashes, session and API
 * tokens and sign-in links are SHA-256 hashes of 256-bit random values, and secrets are AES-256-GCM
 * ciphertexts under a key that lives outside the database (GENJED_SECRET_KEY or a key file).
 */
import { sql } from "drizzle-orm";
import { bigserial, boolean, check, customType, doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

// Local copy (schema.ts has one too): importing it from there would make the two files import each other.
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: "string" });

export const ROLES = ["owner", "editor", "reviewer", "viewer"] as const;

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Stored lower-cased: sign-in is case-insensitive on the address. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** `scrypt$N$r$p$salt$hash`; null until the user sets one through a sign-in link. */
    passwordHash: text("password_hash"),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email").on(t.email)],
);

export const workspaces = pgTable(
  "workspaces",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /** The one workspace rows land in when no workspace is named (first start, CLI runs, old rows). */
    isDefault: boolean("is_default").notNull().default(false),
    /** Budget a run gets when neither the request nor the graph sets one. */
    defaultRunBudgetUsd: doublePrecision("default_run_budget_usd"),
    /** Most the workspace may spend in any 24 hours; checked before each paid node starts. */
    dailyCapUsd: doublePrecision("daily_cap_usd"),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("workspaces_one_default").on(t.isDefault).where(sql`is_default`),
    check("workspaces_limits_positive", sql`(default_run_budget_usd is null or default_run_budget_usd >= 0) and (daily_cap_usd is null or daily_cap_usd >= 0)`),
  ],
);

export const memberships = pgTable(
  "memberships",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    index("memberships_user").on(t.userId),
    check("memberships_role", sql`role in ('owner', 'editor', 'reviewer', 'viewer')`),
  ],
);

/** Browser sessions. The cookie carries the token; only its SHA-256 is stored. */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tokenHash: text("token_hash").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: at("created_at").notNull().defaultNow(),
    lastSeenAt: at("last_seen_at").notNull().defaultNow(),
    expiresAt: at("expires_at").notNull(),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [uniqueIndex("sessions_token").on(t.tokenHash), index("sessions_user").on(t.userId), index("sessions_expires").on(t.expiresAt)],
);

/** Personal API tokens (`gj_...`) for the CLI and scripts. Shown once at creation; stored hashed. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    last4: text("last4").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    lastUsedAt: at("last_used_at"),
    expiresAt: at("expires_at"),
  },
  (t) => [uniqueIndex("api_tokens_token").on(t.tokenHash), index("api_tokens_user").on(t.userId)],
);

/** One-time sign-in links: the first owner's link printed at first start, and invitations. */
export const signInLinks = pgTable(
  "sign_in_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tokenHash: text("token_hash").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: at("created_at").notNull().defaultNow(),
    expiresAt: at("expires_at").notNull(),
    usedAt: at("used_at"),
  },
  (t) => [uniqueIndex("sign_in_links_token").on(t.tokenHash), index("sign_in_links_user").on(t.userId)],
);

/**
 * Workspace secrets, AES-256-GCM. The additional authenticated data is `workspace_id:name`, so a
 * ciphertext copied onto another row or workspace does not decrypt.
 */
export const workspaceSecrets = pgTable(
  "workspace_secrets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    ciphertext: bytea("ciphertext").notNull(),
    iv: bytea("iv").notNull(),
    tag: bytea("tag").notNull(),
    /** Last four characters, shown so people can tell values apart; null for values too short to reveal any of. */
    last4: text("last4"),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("workspace_secrets_name").on(t.workspaceId, t.name)],
);

/**
 * Fingerprint of the key that encrypts workspace secrets, so a process started with a different
 * key (another machine, a lost key file) fails at start with a clear message, not at first use.
 */
export const secretKeyChecks = pgTable("secret_key_checks", {
  id: text("id").primaryKey(),
  fingerprint: text("fingerprint").notNull(),
  createdAt: at("created_at").notNull().defaultNow(),
});

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Null for events that belong to no workspace (sign-ins, tokens). */
    workspaceId: uuid("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** Who, as shown (email or "system"): kept when the user is deleted. */
    actor: text("actor").notNull(),
    /** e.g. auth.login, member.role, secret.set, run.start, review.decide, publication.publish */
    action: text("action").notNull(),
    /** What it was done to: a user id, secret name, run id... */
    target: text("target"),
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
    ip: text("ip"),
    at: at("at").notNull().defaultNow(),
  },
  (t) => [index("audit_log_workspace").on(t.workspaceId, t.id), index("audit_log_user").on(t.userId, t.id)],
);

/** Every sign-in attempt, for the per-account, per-address and per-device rate limits (and the audit of failures). */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Lower-cased address as typed (the account may not exist). */
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    /** The trusted-device id from a valid device cookie for this account (server/auth/device-cookie.ts); null for any other browser. */
    device: text("device"),
    /** null while the password is being checked (counts as a failure, so parallel guesses are bounded). */
    succeeded: boolean("succeeded"),
    at: at("at").notNull().defaultNow(),
  },
  (t) => [index("sign_in_attempts_email").on(t.email, t.at), index("sign_in_attempts_ip").on(t.ip, t.at), index("sign_in_attempts_device").on(t.device, t.at)],
);
