/**
 * Public P-256 JWKs as the API takes them for public-key credentials, and their RFC 7638 thumbprints.
 * Documented in AgentMail's Fern definition (`PublicJwk`): exactly `kty: "EC"`, `crv: "P-256"` and 43-character
 * unpadded base64url `x` and `y`; any other member (private `d`, `kid`, ...) is rejected. The service also rejects
 * points not on the curve: the emulator does not check that (inferred: a test double need not do the math).
 */
import { createHash, randomBytes } from "node:crypto";
import type { ValidationIssue } from "./errors";
import type { PublicJwk } from "./wire";

const COORDINATE = /^[A-Za-z0-9_-]{43}$/;
const MEMBERS = ["kty", "crv", "x", "y"];

/** The JWK at `value`, or undefined with the problems added to `issues` (paths under `public_key`). */
export function parseJwk(value: unknown, issues: ValidationIssue[]): PublicJwk | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    issues.push({
      path: ["public_key"],
      message: 'public_key must be a public P-256 JWK { kty: "EC", crv: "P-256", x, y }',
    });
    return undefined;
  }
  const jwk = value as Record<string, unknown>;
  const before = issues.length;
  for (const member of Object.keys(jwk).filter((m) => !MEMBERS.includes(m))) {
    issues.push({
      path: ["public_key", member],
      message: `public_key.${member} is not allowed: send only kty, crv, x and y (never private key material)`,
    });
  }
  if (jwk["kty"] !== "EC") issues.push({ path: ["public_key", "kty"], message: 'public_key.kty must be "EC"' });
  if (jwk["crv"] !== "P-256") issues.push({ path: ["public_key", "crv"], message: 'public_key.crv must be "P-256"' });
  for (const c of ["x", "y"]) {
    const v = jwk[c];
    if (typeof v !== "string" || !COORDINATE.test(v)) {
      issues.push({ path: ["public_key", c], message: `public_key.${c} must be 43 characters of unpadded base64url` });
    }
  }
  if (issues.length > before) return undefined;
  return { kty: "EC", crv: "P-256", x: jwk["x"] as string, y: jwk["y"] as string };
}

/** RFC 7638 SHA-256 thumbprint: the required members in lexicographic order, no spaces, base64url. */
export function thumbprint(jwk: PublicJwk): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash("sha256").update(canonical).digest("base64url");
}

/** A well-formed P-256 JWK with random coordinates (not a point on the curve), for seeding. */
export function randomJwk(): PublicJwk {
  return {
    kty: "EC",
    crv: "P-256",
    x: randomBytes(32).toString("base64url"),
    y: randomBytes(32).toString("base64url"),
  };
}
