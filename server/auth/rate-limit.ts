/**
 * Sign-in rate limits, from the `sign_in_attempts` table (so they hold across restarts and across
 * several server processes). Three windows, each refusing with a time to wait:
 *  - one account from one address: a handful of guesses, then wait (the owner's typos cost little);
 *  - one account from anywhere: bounds a guessing attack spread over many addresses;
 *  - one address over any accounts: bounds trying one password against many accounts.
 * An attempt is recorded before its password is checked (as a failure until it succeeds), under a
 * per-account lock, so a burst of parallel guesses cannot all slip under the limit.
 */
import type { Sql } from "../../db/index.js";
import { normalizeEmail } from "./users.js";
import { ms, type DbTime } from "./time.js";

export interface SignInLimits {
  perAccountAndAddress: { max: number; windowMs: number };
  perAccount: { max: number; windowMs: number };
  perAddress: { max: number; windowMs: number };
}

const MIN15 = 15 * 60 * 1000;
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  perAccountAndAddress: { max: 5, windowMs: MIN15 },
  perAccount: { max: 20, windowMs: MIN15 },
  perAddress: { max: 50, windowMs: MIN15 },
};

export type AttemptStart = { allowed: true; attemptId: number } | { allowed: false; retryAfterSec: number; scope: "account" | "address" };

/** Lock key for the per-account serialisation (any constant namespace works; this one is ours). */
const LOCK_NAMESPACE = 727003;

export async function beginSignInAttempt(sql: Sql, rawEmail: string, ip: string, limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS): Promise<AttemptStart> {
  const email = normalizeEmail(rawEmail).slice(0, 320);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${email}))`;
    const checks: { scope: "account" | "address"; limit: { max: number; windowMs: number }; nthLatestFailure: Promise<{ at: DbTime }[]> }[] = [
      {
        scope: "account",
        limit: limits.perAccountAndAddress,
        // Failures from this address since this account last signed in from it.
        nthLatestFailure: tx`
          select at from sign_in_attempts
          where email = ${email} and ip = ${ip} and succeeded is not true
            and at > now() - ${limits.perAccountAndAddress.windowMs / 1000} * interval '1 second'
            and at > coalesce((select max(at) from sign_in_attempts where email = ${email} and ip = ${ip} and succeeded), '-infinity')
          order by at desc offset ${limits.perAccountAndAddress.max - 1} limit 1`,
      },
      {
        scope: "account",
        limit: limits.perAccount,
        nthLatestFailure: tx`
          select at from sign_in_attempts
          where email = ${email} and succeeded is not true and at > now() - ${limits.perAccount.windowMs / 1000} * interval '1 second'
          order by at desc offset ${limits.perAccount.max - 1} limit 1`,
      },
      {
        scope: "address",
        limit: limits.perAddress,
        nthLatestFailure: tx`
          select at from sign_in_attempts
          where ip = ${ip} and succeeded is not true and at > now() - ${limits.perAddress.windowMs / 1000} * interval '1 second'
          order by at desc offset ${limits.perAddress.max - 1} limit 1`,
      },
    ];
    let refusal: { retryAfterSec: number; scope: "account" | "address" } | null = null;
    for (const c of checks) {
      const [hit] = await c.nthLatestFailure;
      if (!hit) continue;
      // Allowed again when the oldest of the last `max` failures leaves the window.
      const retryAfterSec = Math.max(1, Math.ceil((ms(hit.at) + c.limit.windowMs - Date.now()) / 1000));
      if (!refusal || retryAfterSec > refusal.retryAfterSec) refusal = { retryAfterSec, scope: c.scope };
    }
    if (refusal) return { allowed: false as const, ...refusal };
    const [row] = await tx<{ id: number }[]>`insert into sign_in_attempts (email, ip) values (${email}, ${ip}) returning id`;
    return { allowed: true as const, attemptId: row.id };
  });
}

export async function endSignInAttempt(sql: Sql, attemptId: number, succeeded: boolean): Promise<void> {
  await sql`update sign_in_attempts set succeeded = ${succeeded} where id = ${attemptId}`;
}
