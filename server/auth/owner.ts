/**
 * First start: make sure someone can sign in. With no account yet, creates the owner of the
 * default workspace: from GENJED_ADMIN_EMAIL + GENJED_ADMIN_PASSWORD when given, else an account
 * with a one-time sign-in link (printed by the runtime) where the owner chooses a password.
 * Until someone has signed in, every start issues a fresh link (the previous one stops working).
 */
import type { Database } from "../../db/index.js";
import { ConfigError } from "../config.js";
import { writeAudit } from "./audit.js";
import { hashPassword, MIN_PASSWORD_LENGTH } from "./passwords.js";
import { pruneExpired } from "./sessions.js";
import { issueSignInLink, signInPath } from "./sign-in-links.js";
import { createUser, findUserByEmail, normalizeEmail, setPassword } from "./users.js";
import { ensureDefaultWorkspace } from "./workspaces.js";

export const DEFAULT_OWNER_EMAIL = "owner@localhost";
const OWNER_LOCK = 727004;

export interface OwnerSetup {
  /** `/first-run#token=...` to append to the server's URL, when the owner still has to sign in. */
  signInPath: string | null;
  /** The owner's address when this start created the account. */
  createdEmail: string | null;
}

export async function ensureOwner(database: Pick<Database, "sql">, o: { env?: NodeJS.ProcessEnv; log?: (m: string) => void } = {}): Promise<OwnerSetup> {
  const env = o.env ?? process.env;
  const log = o.log ?? (() => {});
  const adminEmail = env.GENJED_ADMIN_EMAIL?.trim() || undefined;
  const adminPassword = env.GENJED_ADMIN_PASSWORD || undefined;
  if (adminPassword && adminPassword.length < MIN_PASSWORD_LENGTH) throw new ConfigError(`GENJED_ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (adminPassword && !adminEmail) throw new ConfigError("GENJED_ADMIN_PASSWORD needs GENJED_ADMIN_EMAIL (the owner's sign-in address)");
  if (adminEmail && !/^[^@\s]+@[^@\s]+$/.test(adminEmail)) throw new ConfigError(`GENJED_ADMIN_EMAIL "${adminEmail}" is not an email address`);
  const passwordHash = adminPassword ? await hashPassword(adminPassword) : null;

  return database.sql.begin(async (tx) => {
    // Two processes starting at once must not both create an owner.
    await tx`select pg_advisory_xact_lock(${OWNER_LOCK})`;
    const ws = await ensureDefaultWorkspace(tx);
    // Rows written without a workspace by anything that bypassed the column default.
    await tx`update graphs set workspace_id = ${ws.id} where workspace_id is null`;
    await tx`update runs set workspace_id = ${ws.id} where workspace_id is null`;
    await pruneExpired(tx);

    const [{ ready }] = await tx<{ ready: boolean }[]>`select exists (select 1 from users where password_hash is not null) as ready`;
    if (ready) return { signInPath: null, createdEmail: null };

    const email = adminEmail ?? DEFAULT_OWNER_EMAIL;
    let createdEmail: string | null = null;
    let user = await findUserByEmail(tx, email);
    if (!user) {
      // An owner made by an earlier start that never signed in keeps their account (and gets a new link).
      const [pending] = await tx<{ email: string }[]>`
        select u.email from memberships m join users u on u.id = m.user_id
        where m.workspace_id = ${ws.id} and m.role = 'owner' order by m.created_at limit 1`;
      user = pending && !adminEmail ? await findUserByEmail(tx, pending.email) : null;
    }
    if (!user) {
      const created = await createUser(tx, { email, name: "Owner" });
      user = { ...created, passwordHash: null };
      createdEmail = created.email;
      await writeAudit(tx, { workspaceId: ws.id, actor: "system", action: "member.add", target: created.id, details: { email: created.email, role: "owner", firstStart: true } });
    }
    await tx`insert into memberships (workspace_id, user_id, role) values (${ws.id}, ${user.id}, 'owner')
             on conflict (workspace_id, user_id) do update set role = 'owner'`;
    if (passwordHash) {
      await setPassword(tx, user.id, passwordHash);
      log(`Owner account ${user.email} is ready (password from GENJED_ADMIN_PASSWORD).`);
      return { signInPath: null, createdEmail };
    }
    const link = await issueSignInLink(tx, user.id);
    return { signInPath: signInPath(link.token), createdEmail };
  });
}

/**
 * A fresh one-time sign-in link for an existing account (a forgotten password, a lost invitation);
 * the account's earlier unused link stops working. Audited: a link is as good as the password.
 * `actor`: who asked, as the audit log shows it ("cli" for `genjed sign-in-link`).
 */
export async function signInLinkFor(database: Pick<Database, "sql">, email: string, o: { actor?: string } = {}): Promise<string> {
  return database.sql.begin(async (tx) => {
    const user = await findUserByEmail(tx, email);
    if (!user) throw new ConfigError(`no account uses ${normalizeEmail(email)}`);
    const link = await issueSignInLink(tx, user.id);
    await writeAudit(tx, { user, actor: o.actor ?? "system", action: "auth.sign_in_link", target: user.id, details: { expiresAt: link.expiresAt.toISOString() } });
    return signInPath(link.token);
  });
}
