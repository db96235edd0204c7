// A key that rotates itself. See README.md for how a rotation runs and how to schedule it.
//
//   pulumi config set agentmail:apiKey --secret   # an AgentMail organization API key
//   pulumi config set podId pod_...
//   pulumi up                                # run it on a schedule (daily): it rotates the key when due
import * as pulumi from "@pulumi/pulumi";
import { PodApiKey } from "pulumi-agentmail";

const config = new pulumi.Config();
const podId = config.require("podId");

// Policies, not instants: the same program gives the same inputs on every run. The first `pulumi up` after
// the key is 90 days old replaces it (new key first, then the old one is revoked); each key stops working
// 120 days after its creation even if nobody runs `pulumi up` by then.
const key = new PodApiKey("support-bot", {
  podId,
  permissions: { inboxRead: true, messageRead: true, messageSend: true },
  rotateAfter: config.get("rotateAfter") ?? "90d",
  expireAfter: config.get("expireAfter") ?? "120d",
});

export const keyName = key.name;
export const keyId = key.apiKeyId;
export const keyRotatesAt = key.rotatesAt;
export const keyExpiresAt = key.expiresAt;
/** A secret: `pulumi stack output apiKey --show-secrets`. Hand it to the consumer (e.g. a secret store). */
export const apiKey = key.apiKey;
