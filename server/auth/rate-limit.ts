/**
 * Sign-in rate limits, from the `sign_in_attempts` table (so they hold across restarts and across
 * several server processes). Each refuses with a time to wait, never with a lockout:
 *  - one account from anywhere: a growing delay. The first few failures cost nothing (the owner's
 *    typos), then each further guess waits twice as long as the last, up to a cap; so a guessing
 *    attack spread over many addresses gets about one guess per cap, and the owner waits at most
 *    the cap, never a fixed lockout someone else started;
 *  - one address over any accounts: bounds trying one password against many accounts;
 *  - a trusted device (a browser holding a valid device cookie for the account, see
 *    device-cookie.ts): its own growing delay *instead of* the two above, so an attacker elsewhere
 *    (or behind the same proxy address) cannot keep the owner out, and the browser itself still
 *    cannot guess freely.
 * An attempt is recorded before its password is checked (as a failure until it succeeds), under a
 * per-account lock, so a burst of parallel guesses cannot all slip under the limit.
 */
import type { Sql } from "../../db/index.js";
import { normalizeEmail } from "./users.js";
import { ms } from "../../lib/time.js";

/** `free` failures within `windowMs` cost nothing; the next waits `baseMs` after the last failure, then doubling up to `capMs`. */
export interface GrowingDelay {
  free: number;
  baseMs: number;
  capMs: number;
  windowMs: number;
}

export interface SignInLimits {
  perAccount: GrowingDelay;
  perDevice: GrowingDelay;
  perAddress: { max: number; windowMs: number };
}

const MIN15 = 15 * 60 * 1000;
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  // At the cap an account gets one guess a minute from all addresses together (the old fixed limit, 20 per 15 minutes, allowed about as many).
  perAccount: { free: 5, baseMs: 1000, capMs: 60_000, windowMs: MIN15 },
  perDevice: { free: 5, baseMs: 1000, capMs: 60_000, windowMs: MIN15 },
  perAddress: { max: 50, windowMs: MIN15 },
};

export type LimitScope = "account" | "address" | "device";
export type AttemptStart = { allowed: true; attemptId: number } | { allowed: false; retryAfterSec: number; scope: LimitScope };

/** How long after the last of `failures` failures the next attempt may start (0: at once). */
export function delayAfter(failures: number, d: GrowingDelay): number {
  if (failures < d.free) return 0;
  return Math.min(d.capMs, d.baseMs * 2 ** Math.min(failures - d.free, 30));
}

/** Lock key for the per-account serialisation (any constant namespace works; this one is ours). */
const LOCK_NAMESPACE = 727003;

type Check = { scope: LimitScope; waitUntilMs: Promise<number | null> };

export async function beginSignInAttempt(
  sql: Sql,
  rawEmail: string,
  from: { ip: string; device?: string | null },
  limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
): Promise<AttemptStart> {
  const email = normalizeEmail(rawEmail).slice(0, 320);
  const { ip } = from;
  const device = from.device ?? null;
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${email}))`;
    const seconds = (windowMs: number) => windowMs / 1000;
    const growing = async (d: GrowingDelay, rows: Promise<{ n: number; last: string | null }[]>): Promise<number | null> => {
      const [r] = await rows;
      const wait = delayAfter(r.n, d);
      return wait > 0 && r.last ? ms(r.last) + wait : null;
    };
    const checks: Check[] = device
      ? [
          {
            scope: "device",
            waitUntilMs: growing(limits.perDevice, tx`
              select count(*)::int as n, max(at) as last from sign_in_attempts
              where device = ${device} and email = ${email} and succeeded is not true
                and at > now() - ${seconds(limits.perDevice.windowMs)} * interval '1 second'`),
          },
        ]
      : [
          {
            scope: "account",
            waitUntilMs: growing(limits.perAccount, tx`
              select count(*)::int as n, max(at) as last from sign_in_attempts
              where email = ${email} and succeeded is not true
                and at > now() - ${seconds(limits.perAccount.windowMs)} * interval '1 second'`),
          },
          {
            scope: "address",
            // Allowed again when the oldest of the last `max` failures leaves the window.
            waitUntilMs: tx<{ at: string }[]>`
              select at from sign_in_attempts
              where ip = ${ip} and succeeded is not true and at > now() - ${seconds(limits.perAddress.windowMs)} * interval '1 second'
              order by at desc offset ${limits.perAddress.max - 1} limit 1`.then(([hit]) => (hit ? ms(hit.at) + limits.perAddress.windowMs : null)),
          },
        ];
    let refusal: { retryAfterSec: number; scope: LimitScope } | null = null;
    for (const c of checks) {
      const until = await c.waitUntilMs;
      if (until === null || until <= Date.now()) continue;
      const retryAfterSec = Math.max(1, Math.ceil((until - Date.now()) / 1000));
      if (!refusal || retryAfterSec > refusal.retryAfterSec) refusal = { retryAfterSec, scope: c.scope };
    }
    if (refusal) return { allowed: false as const, ...refusal };
    const [row] = await tx<{ id: number }[]>`insert into sign_in_attempts (email, ip, device) values (${email}, ${ip}, ${device}) returning id`;
    return { allowed: true as const, attemptId: row.id };
  });
}

/** The attempt's time becomes when its answer was known: a delay runs from the answer, not from the start of a slow password check. */
export async function endSignInAttempt(sql: Sql, attemptId: number, succeeded: boolean): Promise<void> {
  await sql`update sign_in_attempts set succeeded = ${succeeded}, at = now() where id = ${attemptId}`;
}
