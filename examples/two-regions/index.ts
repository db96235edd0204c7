// One stack, two regions (or two organizations): a pod and a key in the US through the stack's credential,
// and a pod and a key in the EU through the EU resources' own `connection`.
//
//   pulumi config set agentmail:apiKey --secret            # the US organization's key (am_us_...)
//   pulumi config set euApiKey --secret                    # the EU organization's key (am_eu_...)
//   pulumi config set euBaseUrl https://api.agentmail.eu   # optional: the default for am_eu_ keys
//   pulumi up
//   pulumi stack output --show-secrets euSupportKey
//
// The connection is stored as a secret in the state (inputs and outputs), and every operation of the EU
// resources (create, refresh, delete) uses it, never the stack's key. Changing it later (a rotated EU
// organization key) replaces nothing: the next `pulumi up` stores the new one.
import * as pulumi from "@pulumi/pulumi";
import { Pod, PodApiKey, type ConnectionArgs } from "pulumi-agentmail";

const config = new pulumi.Config();
const eu: ConnectionArgs = {
  apiKey: config.requireSecret("euApiKey"),
  baseUrl: config.get("euBaseUrl") ?? "https://api.agentmail.eu",
};

const usPod = new Pod("support-us", { name: "support-us" });
const usKey = new PodApiKey("support-us-bot", {
  podId: usPod.podId,
  permissions: { messageRead: true, messageSend: true },
});

const euPod = new Pod("support-eu", { name: "support-eu", connection: eu });
const euKey = new PodApiKey("support-eu-bot", {
  podId: euPod.podId,
  permissions: { messageRead: true, messageSend: true },
  connection: eu,
});

export const usPodId = usPod.podId;
export const euPodId = euPod.podId;
export const usSupportKey = usKey.apiKey; // secrets
export const euSupportKey = euKey.apiKey;
