// Two keys staggered by one period: `apiKey` is at most one period old after each `pulumi up`, and the
// previous key still works, so a consumer that re-reads `apiKey` at least once per period (less the length of
// an `up` and a minute) never holds a revoked key. Run `pulumi up` on a schedule (daily); an `up` replaces at most one key, always the older, once
// the newer is a period old (its schedule, `worker-schedule`, decides; even after weeks without an `up`).
//
//   pulumi config set agentmail:apiKey --secret   # an AgentMail organization API key
//   pulumi config set podId pod_...
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import { RotatingPodApiKey } from "pulumi-agentmail";

const config = new pulumi.Config();

const worker = new RotatingPodApiKey("worker", {
  podId: config.require("podId"),
  rotationPeriod: config.get("rotationPeriod") ?? "30d",
  permissions: { messageRead: true, messageSend: true },
});

/** Secrets: `pulumi stack output apiKey --show-secrets`. Consumers read `apiKey`. */
export const apiKey = worker.apiKey;
export const previousApiKey = worker.previousApiKey;
export const apiKeyId = worker.apiKeyId;
export const rotatesAt = worker.rotatesAt;
