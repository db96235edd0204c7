/** What the lifecycle functions need from the outside world, injected so tests can drive them directly. */
import type { AgentMailClient } from "../agentmail/client";
import type { ConnectionSettings } from "../agentmail/credentials";
import type { ListCache, Listing } from "../agentmail/listCache";

/** @internal */
export interface LifecycleContext {
  /**
   * The API client, built from the credentials in force when the operation runs: the resource's own
   * `connection` when it has one (every operation of that resource passes it), else the stack's.
   */
  readonly client: (connection?: ConnectionSettings) => AgentMailClient;
  /** The clock (ms since the epoch). */
  readonly now: () => number;
  /** The one-off claim name of a key create (see `createKey.ts`); injected by tests. Default: `claimName()`. */
  readonly claimName?: (() => string) | undefined;
  /**
   * Listings of pods' keys shared by the concurrent reads of one refresh (see `ListCache`). Absent:
   * every read lists its pod itself (what tests want when they change data out of band).
   */
  readonly listings?: ListCache | undefined;
}

/**
 * The pod's keys as `client` sees them: through the host's shared listings when the context has them (a refresh's
 * reads of one pod, and the pairs' schedules, share one listing), else a listing of its own. @internal
 */
export async function listPodKeys(ctx: LifecycleContext, client: AgentMailClient, podId: string): Promise<Listing> {
  if (ctx.listings !== undefined) return ctx.listings.list(client, podId);
  const keys = await client.listAllApiKeys(podId);
  return { keys, byId: new Map(keys.map((k) => [k.api_key_id, k])) };
}
