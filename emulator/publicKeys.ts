/**
 * Public-key credentials registered on the pod key route: `POST /v0/pods/{pod_id}/api-keys` with a body carrying
 * `public_key` (API reference). Such an entry has no secret and no permissions, and appears in the pod's key
 * listing as `type: "public_key"` beside bearer keys.
 *
 * Choices (documented unless marked inferred):
 * - body: `public_key` (a public P-256 JWK, see `jwk.ts`), `name?` (1-256 characters; default
 *   `AgentID key <first 8 characters of the fingerprint>`), `client_id?` (1-256 of `A-Za-z0-9-._~`),
 *   `expires_at?` (future; omitted = the calling key's own expiry; later than it = 403 `forbidden`, code inferred);
 *   other fields (`permissions` included) are ignored (inferred: they are server-owned);
 * - `client_id` makes the registration idempotent: the same `client_id` with the same key answers 200 with the
 *   ORIGINAL entry and creates nothing; with another key it is 409 `already_exists` (code inferred; the reference
 *   says "a conflicting alias is 409"); `client_id`s are unique per pod (inferred);
 * - success is 200 with the entry (inferred, like pods' `client_id` creates).
 */
import type { Reply, RequestContext } from "./context";
import { fail, type ValidationIssue } from "./errors";
import { parseJwk, thumbprint } from "./jwk";
import { checkKeyLimit, inheritedExpiry } from "./keyRules";
import { keyWire, type PodRecord } from "./records";
import { defaultPublicKeyName } from "./store";
import { CLIENT_ID, finish, optionalFutureTime, optionalString } from "./validation";
import type { PublicJwk } from "./wire";

/** A validated public-key registration body. */
interface PublicKeyBody {
  jwk: PublicJwk;
  name?: string;
  client_id?: string;
  expires_at?: string;
}

/** Registers (or, for a repeated `client_id`, returns) a public-key credential of `pod`. */
export function registerPublicKey(ctx: RequestContext, pod: PodRecord, json: Record<string, unknown>): Reply {
  const body = publicKeyBody(json, ctx.nowMs);
  const { store } = ctx.state;
  if (body.client_id !== undefined) {
    const existing = store.publicKeyByClientId(pod, body.client_id);
    if (existing !== undefined) {
      if (existing.public_key?.fingerprint !== thumbprint(body.jwk)) {
        throw fail("already_exists", {
          message: `client_id ${body.client_id} already names another public key in this pod`,
          fix: "Use another client_id, or send the public key registered under this one.",
        });
      }
      return { status: 200, body: keyWire(existing) };
    }
  }
  const expiresAt = inheritedExpiry(ctx.caller, body.expires_at);
  checkKeyLimit(ctx, pod.keys.size);
  const record = store.insertPublicKey(pod, {
    jwk: body.jwk,
    name: body.name ?? defaultPublicKeyName(body.jwk),
    clientId: body.client_id,
    expiresAt,
  });
  return { status: 200, body: keyWire(record) };
}

function publicKeyBody(json: Record<string, unknown>, nowMs: number): PublicKeyBody {
  const issues: ValidationIssue[] = [];
  const jwk = parseJwk(json["public_key"], issues);
  const name = optionalString(json, "name", issues);
  if (name !== undefined && (name.length < 1 || name.length > 256)) {
    issues.push({ path: ["name"], message: "name must be 1-256 characters" });
  }
  const clientId = json["client_id"];
  if (clientId !== undefined && (typeof clientId !== "string" || !CLIENT_ID.test(clientId))) {
    issues.push({ path: ["client_id"], message: "client_id must be 1-256 characters of A-Z a-z 0-9 - . _ ~" });
  }
  const expiresAt = optionalFutureTime(json, "expires_at", nowMs, issues);
  finish(issues, undefined);
  return {
    jwk: jwk as PublicJwk,
    ...(name === undefined ? {} : { name }),
    ...(typeof clientId === "string" ? { client_id: clientId } : {}),
    ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
  };
}
