/**
 * The `echoSecrets` fault: a reply that repeats the request's credential (and a created key) in its body, as a
 * careless gateway or API might. The emulator's own answers never echo a secret; this exists so that tests can
 * prove the client's redaction of error bodies.
 */
import type { IncomingMessage } from "node:http";
import type { Reply } from "./context";
import type { FaultRule } from "./faults";

/** The secrets an `echoSecrets` rule repeats: the bearer credential, and the real answer's `api_key`. */
export function echoed(rule: FaultRule, req: IncomingMessage, real: Reply | undefined): string[] {
  if (!rule.echoSecrets) return [];
  const secrets: string[] = [];
  const bearer = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? "")?.[1];
  if (bearer !== undefined) secrets.push(bearer);
  const created = (real?.body as { api_key?: unknown } | undefined)?.api_key;
  if (typeof created === "string") secrets.push(created);
  return secrets;
}

/** `body` with `secrets` written into every text field a client may show (see `FaultRule.echoSecrets`). */
export function withEchoes(body: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return body;
  const said = `request credential and answer: ${secrets.join(" ")}`;
  if (body === undefined) return said;
  if (typeof body === "string") return `${said}; ${body}`;
  if (body === null || typeof body !== "object" || Array.isArray(body)) return body;
  const b = body as Record<string, unknown>;
  const errors = Array.isArray(b["errors"]) ? b["errors"] : [];
  return {
    ...b,
    message: `${said}; ${String(b["message"] ?? "")}`,
    fix: `${said}; ${String(b["fix"] ?? "")}`,
    errors: [...errors, { path: ["authorization"], message: said }],
  };
}
