import * as pulumi from "@pulumi/pulumi";
import provider = require("./shim/pod");

/** The arguments of a {@link Pod}. Changing any of them replaces the pod (the API cannot update one). */
export interface PodArgs {
  /**
   * The pod's name. Default: the resource's name plus a random suffix (Pulumi's auto-naming), chosen
   * once and kept on later updates. A change replaces the pod.
   */
  readonly name?: pulumi.Input<string>;
  /**
   * AgentMail's idempotency id for the pod's creation (`client_id`): 1 to 256 characters among
   * `A-Z a-z 0-9 - . _ ~`. A create repeated with the same id returns the pod it first created, so a
   * create that failed without an answer is retried safely. It must be unique to this pod.
   *
   * Default: one generated when the pod is first planned and kept in the state (a new one is generated
   * when the name changes, since the replacement is then created before the old pod is deleted).
   * A change replaces the pod. Keeping an explicit `clientId` while changing `name` replaces the pod
   * delete-first: AgentMail would answer the create with the old pod.
   */
  readonly clientId?: pulumi.Input<string>;
}

/**
 * An AgentMail pod: an isolated group of inboxes, domains and pod-scoped API keys, e.g. one per tenant.
 *
 * `pulumi up` creates it (`POST /v0/pods`, with a `client_id` so that a retried create never makes a
 * second pod); `pulumi destroy` deletes it, which AgentMail refuses while the pod still holds inboxes or
 * domains (delete them first, or set `retainOnDelete: true` to keep the pod); a change of `name` or
 * `clientId` replaces it; `pulumi refresh` notices a pod deleted elsewhere. Creating a pod needs an
 * organization API key.
 *
 * Credentials: stack config `agentmail:apiKey` (set it with `pulumi config set agentmail:apiKey --secret`)
 * and `agentmail:baseUrl`, else the environment variables `AGENTMAIL_API_KEY` and `AGENTMAIL_BASE_URL`.
 *
 * @example
 * ```ts
 * const pod = new Pod("support", { name: "support" });
 * const key = new PodApiKey("support-bot", {
 *   podId: pod.podId,
 *   permissions: { messageRead: true, messageSend: true },
 * });
 * ```
 */
export class Pod extends pulumi.dynamic.Resource {
  /** The pod's id (also the resource's id): what a `PodApiKey`'s `podId` takes. */
  declare public readonly podId: pulumi.Output<string>;
  /** The pod's name (given, or auto-generated). */
  declare public readonly name: pulumi.Output<string>;
  /** The `client_id` the pod was created with (given, or generated). */
  declare public readonly clientId: pulumi.Output<string>;
  /** When the pod was created (ISO-8601). */
  declare public readonly createdAt: pulumi.Output<string>;
  /** When the pod was last updated (ISO-8601), as of the last create or refresh. */
  declare public readonly updatedAt: pulumi.Output<string>;

  /**
   * @param name The resource's unique name; also the prefix of the auto-generated pod name.
   * @param args The pod's name and idempotency id; both optional.
   * @param opts Resource options. `retainOnDelete: true` keeps the pod in AgentMail when the resource is deleted.
   */
  constructor(name: string, args: PodArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        // Every output must be a key here, even when undefined, or Pulumi does not expose it. Unknown
        // keys a JavaScript caller may pass ride along so that check can name them.
        ...args,
        name: args.name,
        clientId: args.clientId,
        autoNamePrefix: name,
        podId: undefined,
        createdAt: undefined,
        updatedAt: undefined,
      },
      opts,
      "agentmail",
      "Pod",
    );
  }
}
