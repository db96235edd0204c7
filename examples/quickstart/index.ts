// A pod-scoped key for a support agent, with only what it needs: read and send mail in its pod.
import * as pulumi from "@pulumi/pulumi";
import { PodApiKey } from "pulumi-agentmail";

const config = new pulumi.Config();

const supportBot = new PodApiKey("support-bot", {
  podId: config.require("podId"),
  permissions: {
    inboxRead: true,
    messageRead: true,
    messageSend: true,
    messageReply: true,
  },
});

export const keyId = supportBot.apiKeyId;
export const keyName = supportBot.name;
export const keyPrefix = supportBot.prefix;
// A secret: `pulumi stack output supportBotKey --show-secrets` prints it.
export const supportBotKey = supportBot.apiKey;
