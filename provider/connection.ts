import * as pulumi from "@pulumi/pulumi";

/**
 * A resource's own AgentMail credential, in place of the stack's (`agentmail:apiKey` / `agentmail:baseUrl`,
 * or `AGENTMAIL_API_KEY` / `AGENTMAIL_BASE_URL`), used for every operation of that resource: create, refresh,
 * delete, and the clean-up after a create that failed without an answer. It lets one stack manage pods and
 * keys in two organizations, or in the US and EU regions.
 *
 * It is always stored as a secret (the resource wraps it in `pulumi.secret` and lists it in
 * `additionalSecretOutputs`), and never reaches the serialized provider, an error or a log line. A change of
 * `connection` alone replaces nothing: the resource stays where it is, and the new credential is stored for
 * the operations that follow (so it must still reach the same organization and address).
 */
export interface ConnectionArgs {
  /** The organization's (or pod's) AgentMail API key. Required, non-empty. Pass it from a secret config value. */
  readonly apiKey: pulumi.Input<string>;
  /**
   * The API's address. Default: `https://api.agentmail.eu` for a key that starts with `am_eu_`, else
   * `https://api.agentmail.to` (the stack's `agentmail:baseUrl` is not used: it belongs to the stack's key).
   * `https://` only (plain `http://` only to this machine), without `user:password@`, query or fragment.
   */
  readonly baseUrl?: pulumi.Input<string>;
}

/** The `connection` input as registered: secret as a whole, so its key never lands in the state in plaintext. @internal */
export function secretConnection(connection: pulumi.Input<ConnectionArgs> | undefined): pulumi.Input<unknown> {
  return connection === undefined ? undefined : pulumi.secret(connection);
}
