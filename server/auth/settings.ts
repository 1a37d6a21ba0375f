/** How the server authenticates: settings read once at start (see README "Environment"). */
import { DEFAULT_SIGN_IN_LIMITS, type SignInLimits } from "./rate-limit.js";

export interface AuthSettings {
  /** Encrypts workspace secrets (GENJED_SECRET_KEY or the generated key file). Without it the secrets API answers 503. */
  secretKey: Buffer | null;
  /** Behind a reverse proxy: take the client address and scheme from X-Forwarded-For / -Proto / -Host (GENJED_TRUST_PROXY=1). */
  trustProxy: boolean;
  /** Origins besides the server's own allowed to send cookie-authenticated writes (GENJED_ALLOWED_ORIGINS, comma-separated). */
  allowedOrigins: string[];
  signInLimits: SignInLimits;
  /** Secure cookies: "auto" sets them when the request came over https. */
  secureCookies: "auto" | boolean;
}

export function authSettings(o: Partial<AuthSettings> = {}): AuthSettings {
  return {
    secretKey: null,
    trustProxy: false,
    allowedOrigins: [],
    signInLimits: DEFAULT_SIGN_IN_LIMITS,
    secureCookies: "auto",
    ...o,
  };
}

export function authSettingsFromEnv(env: NodeJS.ProcessEnv, secretKey: Buffer | null): AuthSettings {
  return authSettings({
    secretKey,
    trustProxy: env.GENJED_TRUST_PROXY === "1" || env.GENJED_TRUST_PROXY === "true",
    allowedOrigins: (env.GENJED_ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((s) => s.trim().replace(/\/+$/, ""))
      .filter(Boolean),
  });
}
