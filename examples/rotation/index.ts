// A key rotated by changing one config value. See README.md for how a rotation runs.
//
//   pulumi config set podId pod_...
//   pulumi config set rotation 2026-11-27
//   pulumi up                                # later: set a new rotation date and `pulumi up` again
import * as pulumi from "@pulumi/pulumi";
import { PodApiKey } from "pulumi-agentmail";

const config = new pulumi.Config();
const podId = config.require("podId");
const rotation = config.require("rotation");
const validityDays = config.getNumber("validityDays") ?? 120;

const rotatedOn = Date.parse(`${rotation}T00:00:00Z`);
if (!/^\d{4}-\d{2}-\d{2}$/.test(rotation) || Number.isNaN(rotatedOn)) {
  throw new Error(`rotation must be a date such as 2026-11-27, got "${rotation}"`);
}

// Derived from the rotation date, not from "now": the same config gives the same inputs on every run,
// so nothing changes until the rotation date does. Then both the name and the expiry change, and the
// key is replaced: the new key is created before the old one is revoked.
const expiresAt = new Date(rotatedOn + validityDays * 86_400_000).toISOString();

const key = new PodApiKey("support-bot", {
  podId,
  name: `support-bot-${rotation}`,
  permissions: { inboxRead: true, messageRead: true, messageSend: true, messageReply: true },
  expiresAt,
});

export const keyName = key.name;
export const keyId = key.apiKeyId;
export const keyExpiresAt = key.expiresAt;
/** A secret: `pulumi stack output apiKey --show-secrets`. Hand it to the consumer (e.g. a secret store). */
export const apiKey = key.apiKey;
