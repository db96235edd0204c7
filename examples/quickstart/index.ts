// A pod-scoped key for a support agent, with only what it needs: read and send mail in its pod.
//
//   pulumi config set agentmail:apiKey --secret      # an AgentMail organization API key
//   pulumi config set podId pod_...                  # the pod: from the console, a Pod's podId, or getPod
//   pulumi up
//   pulumi stack output supportBotKey --show-secrets # the key itself
//
// From a clone of this repository, build the package first (`npm ci` at the root does), since this
// project installs it from `file:../..`.
import * as pulumi from "@pulumi/pulumi";
import { PodApiKey } from "pulumi-agentmail";

const config = new pulumi.Config();

const supportBot = new PodApiKey("support-bot", {
  podId: config.require("podId"),
  permissions: {
    inboxRead: true,
    messageRead: true,
    messageSend: true,
  },
});

export const keyId = supportBot.apiKeyId;
export const keyName = supportBot.name;
export const keyPrefix = supportBot.prefix;
// A secret: `pulumi stack output supportBotKey --show-secrets` prints it.
export const supportBotKey = supportBot.apiKey;
