// One pod per tenant, so that each tenant's inboxes and keys are isolated from the others', and two
// least-privilege keys in each: an agent that reads and sends mail, and an auditor that only reads.
//
//   pulumi config set agentmail:apiKey --secret        # an organization key (creating pods needs one)
//   pulumi config set --path 'tenants[0]' acme
//   pulumi config set --path 'tenants[1]' globex
//   pulumi up
//
// Adding a tenant to the list adds its pod and keys; removing one deletes its keys, then its pod
// (AgentMail refuses to delete a pod that still holds inboxes: delete them first, or set
// `retainOnDelete: true` on the Pod to keep it).
import * as pulumi from "@pulumi/pulumi";
import { Pod, PodApiKey, type PodApiKeyPermissions } from "pulumi-agentmail";

const config = new pulumi.Config();
const tenants = config.requireObject<string[]>("tenants");

/** What a tenant's agent may do: work its inboxes' mail, nothing administrative. */
const agentPermissions: PodApiKeyPermissions = {
  inboxRead: true,
  messageRead: true,
  messageSend: true,
  draftRead: true,
  draftCreate: true,
  draftSend: true,
};

/** What an auditor may do: read, never write. */
const auditorPermissions: PodApiKeyPermissions = {
  inboxRead: true,
  messageRead: true,
  draftRead: true,
  labelSpamRead: true,
  labelBlockedRead: true,
  labelTrashRead: true,
  webhookRead: true,
  domainRead: true,
  metricsRead: true,
};

const perTenant = tenants.map((tenant) => {
  // The resource name is the tenant (stable: renaming it in the list would replace its pod).
  const pod = new Pod(tenant, { name: `tenant-${tenant}` });
  // `podId: pod.podId` makes each key depend on its pod: created after it, deleted before it.
  const agent = new PodApiKey(`${tenant}-agent`, { podId: pod.podId, permissions: agentPermissions });
  const auditor = new PodApiKey(`${tenant}-auditor`, { podId: pod.podId, permissions: auditorPermissions });
  return { tenant, pod, agent, auditor };
});

/** Each tenant's pod id: not a secret. */
export const podIds = Object.fromEntries(perTenant.map(({ tenant, pod }) => [tenant, pod.podId]));

/**
 * Each tenant's keys, as one secret map: `pulumi stack output keys --show-secrets` prints them.
 * (Each `apiKey` is already a secret; wrapping the map keeps the whole output secret too.)
 */
export const keys = pulumi.secret(
  pulumi.all(
    Object.fromEntries(
      perTenant.map(({ tenant, agent, auditor }) => [
        tenant,
        pulumi.all({ agent: agent.apiKey, auditor: auditor.apiKey }),
      ]),
    ),
  ),
);
