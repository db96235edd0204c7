import * as pulumi from "@pulumi/pulumi";
import type { PermissionName } from "./agentmail/permissions";
import { secretConnection, type ConnectionArgs } from "./connection";
import provider = require("./shim/podApiKey");

/**
 * What a pod API key may do: an object of optional booleans, one per AgentMail permission, in camelCase
 * (`messageSend` is sent as `message_send`). Only `true` grants; `false` and absent are the same.
 * An unknown name is rejected before anything is created (AgentMail itself would silently ignore it).
 * The README's permissions table lists every name.
 */
export type PodApiKeyPermissions = { readonly [P in PermissionName]?: boolean };

/**
 * The arguments of a {@link PodApiKey}. Changing any of them but the policies `rotateAfter` and `expireAfter`
 * replaces the key (new key first, then the old one is revoked).
 */
export interface PodApiKeyArgs {
  /**
   * The pod the key is scoped to, e.g. `pod.podId`. Required. An id of letters, digits, `-`, `_` and `.`
   * (not `.` or `..` alone): anything else is refused by `check`, as it would change the request's path.
   */
  readonly podId: pulumi.Input<string>;
  /**
   * The key's name. Default: the resource's name plus a random suffix (Pulumi's auto-naming), chosen
   * once and kept on later updates.
   */
  readonly name?: pulumi.Input<string>;
  /**
   * What the key may do. Default (omitted): everything the pod's scope allows. `{}` grants nothing.
   * Compared by meaning: `{ messageSend: true, inboxRead: false }` equals `{ messageSend: true }`.
   */
  readonly permissions?: pulumi.Input<PodApiKeyPermissions>;
  /**
   * When the key stops working: an ISO-8601 date-time with a time zone, in the future, and not later than
   * the creating credential's own expiry. Default: the key inherits the expiry of the credential that
   * creates it (never, if that one never expires).
   */
  readonly expiresAt?: pulumi.Input<string>;
  /**
   * This key's own credential, in place of the stack's, for every operation on it (see {@link ConnectionArgs}):
   * to make keys in a second organization or region from one stack. Always stored as a secret. Default: the
   * stack's credential. A change of it alone replaces nothing.
   */
  readonly connection?: pulumi.Input<ConnectionArgs>;
  /**
   * Rotate the key once it is this old: a duration written `<number><unit>` with unit `d`, `h` or `m`
   * (`"90d"`, `"36h"`, `"45m"`). From `createdAt + rotateAfter` on, the next `pulumi up` replaces the key
   * (preview shows a replacement because of `rotateAfter`): the new key is created first, then the old one is
   * revoked. Must be shorter than `expireAfter`. Changing it replaces nothing by itself (the state is updated
   * in place, with no API call); a shorter value can make the key due at once. Default: never rotated.
   */
  readonly rotateAfter?: pulumi.Input<string>;
  /**
   * Give each new key an expiry this long after its creation: a duration like `rotateAfter` (`"90d"`). The
   * create sends `expires_at` = now + `expireAfter`, which `expiresAt` then reports; it must not reach beyond
   * the creating credential's own expiry (AgentMail refuses it, and the create says so). Not together with
   * `expiresAt`. Changing it replaces nothing by itself: the current key keeps its expiry, the next key gets the
   * new one. A key whose expiry has passed is replaced by the next `pulumi up`. Default: no expiry of its own.
   */
  readonly expireAfter?: pulumi.Input<string>;
  /**
   * Any non-empty string without leading or trailing spaces; changing it replaces the key (new key first, then the old one is revoked), with
   * `rotationTrigger` as the reason in `pulumi preview`. A rotation by hand (`"2027-q1"`, then `"2027-q2"`), or
   * from a schedule of your own; `RotatingPodApiKey` sets it from its schedule. Setting it the first time, or
   * removing it, replaces the key too. Default: none.
   */
  readonly rotationTrigger?: pulumi.Input<string>;
}

/**
 * An AgentMail API key scoped to one pod, with only the permissions it is given.
 *
 * `pulumi up` creates it (`POST /v0/pods/{podId}/api-keys`) and stores the key in `apiKey` as a secret;
 * `pulumi destroy` revokes it; a change of `podId`, `name`, `permissions`, `expiresAt` or `rotationTrigger` replaces it,
 * creating the new key before revoking the old one; `pulumi refresh` notices a key revoked elsewhere.
 * With `rotateAfter`, the first `pulumi up` after the key reached that age replaces it the same way.
 *
 * Credentials: stack config `agentmail:apiKey` (set it with `pulumi config set agentmail:apiKey --secret`)
 * and `agentmail:baseUrl`, else the environment variables `AGENTMAIL_API_KEY` and `AGENTMAIL_BASE_URL`;
 * or the key's own `connection`.
 *
 * @example
 * ```ts
 * const key = new PodApiKey("support-bot", {
 *   podId: pod.podId,
 *   permissions: { messageRead: true, messageSend: true },
 * });
 * export const supportKey = key.apiKey; // a secret
 * ```
 */
export class PodApiKey extends pulumi.dynamic.Resource {
  /** The pod the key is scoped to. */
  declare public readonly podId: pulumi.Output<string>;
  /** The key's name (given, or auto-generated). */
  declare public readonly name: pulumi.Output<string>;
  /** The granted permissions; undefined means the pod's full access. */
  declare public readonly permissions: pulumi.Output<PodApiKeyPermissions | undefined>;
  /** When the key stops working, if it does: the given `expiresAt`, else the expiry it inherited. */
  declare public readonly expiresAt: pulumi.Output<string | undefined>;
  /** The key's id (also the resource's id). */
  declare public readonly apiKeyId: pulumi.Output<string>;
  /** The key itself: a secret, returned by AgentMail only once, at creation. */
  declare public readonly apiKey: pulumi.Output<string>;
  /** The key's first characters, as the AgentMail console shows them: safe to log. */
  declare public readonly prefix: pulumi.Output<string>;
  /** When the key was created (ISO-8601). */
  declare public readonly createdAt: pulumi.Output<string>;
  /** The rotation policy in force: the given `rotateAfter`. */
  declare public readonly rotateAfter: pulumi.Output<string | undefined>;
  /** The expiry policy in force: the given `expireAfter`. */
  declare public readonly expireAfter: pulumi.Output<string | undefined>;
  /** The given `rotationTrigger`, whose change replaced the key last. */
  declare public readonly rotationTrigger: pulumi.Output<string | undefined>;
  /**
   * When the key becomes due for rotation (`createdAt + rotateAfter`, ISO-8601): the first `pulumi up` from then
   * on replaces it. Undefined without `rotateAfter`.
   */
  declare public readonly rotatesAt: pulumi.Output<string | undefined>;
  /** The inbox the key is scoped to, for inbox keys; undefined for pod keys. */
  declare public readonly inboxId: pulumi.Output<string | undefined>;

  /**
   * @param name The resource's unique name; also the prefix of the auto-generated key name.
   * @param args The key's pod, name, permissions and expiry.
   * @param opts Resource options. `additionalSecretOutputs: ["apiKey", "connection"]` is always added.
   */
  constructor(name: string, args: PodApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        // Every output must be a key here, even when undefined, or Pulumi does not expose it. Unknown
        // keys a JavaScript caller may pass ride along so that check can name them.
        ...args,
        podId: args.podId,
        name: args.name,
        permissions: args.permissions,
        expiresAt: args.expiresAt,
        connection: secretConnection(args.connection),
        rotateAfter: args.rotateAfter,
        expireAfter: args.expireAfter,
        rotationTrigger: args.rotationTrigger,
        autoNamePrefix: name,
        apiKeyId: undefined,
        apiKey: undefined,
        prefix: undefined,
        createdAt: undefined,
        inboxId: undefined,
        rotatesAt: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["apiKey", "connection"] }),
      "agentmail",
      "PodApiKey",
    );
  }
}
