/**
 * Rules shared by bearer-key creation and public-key registration on the pod key route: the inherited expiry and
 * the per-pod quota.
 */
import type { Caller } from "./auth";
import type { RequestContext } from "./context";
import { fail } from "./errors";

/**
 * The expiry of a key (or credential) `caller` creates: the one asked, else the caller's own; asking for a later
 * one than the caller's is 403 (API reference; the Fern definition says the same of public-key credentials: "Omit
 * to inherit the registering bearer key's expiry. A child credential cannot outlive its creator."). The code,
 * `forbidden`, is inferred: no source names one. The same instant as the caller's is allowed (inferred).
 */
export function inheritedExpiry(caller: Caller, asked: string | undefined): string | undefined {
  const own = caller.expiresMs === Infinity ? undefined : new Date(caller.expiresMs).toISOString();
  if (asked === undefined) return own;
  if (own !== undefined && Date.parse(asked) > caller.expiresMs) {
    throw fail("forbidden", {
      message: `expires_at ${asked} is later than the calling key's own expiry ${own}`,
      fix: `Ask for an expires_at at or before ${own}, omit it to inherit ${own}, or use a key that expires later.`,
    });
  }
  return asked;
}

/** Throws 403 `limit_exceeded` when the pod already holds `settings.limits.apiKeysPerPod` entries. */
export function checkKeyLimit(ctx: RequestContext, held: number): void {
  const max = ctx.state.settings.limits.apiKeysPerPod;
  if (max !== undefined && held >= max) {
    throw fail("limit_exceeded", { message: `API key limit of ${max} per pod reached` });
  }
}
