/** What the lifecycle functions need from the outside world, injected so tests can drive them directly. */
import type { AgentMailClient } from "../agentmail/client";

/** @internal */
export interface LifecycleContext {
  /** The API client, built from the credentials in force when the operation runs. */
  readonly client: () => AgentMailClient;
  /** The clock (ms since the epoch). */
  readonly now: () => number;
}
