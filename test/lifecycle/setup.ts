/**
 * Shared set-up of the lifecycle suites: an emulator, and a lifecycle context whose client talks to
 * it over real HTTP with a fast retry policy (so that tests of backoff and timeouts take milliseconds).
 */
import { Agent, buildConnector } from "undici";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";
import { AgentMailClient } from "../../provider/agentmail/client";
import type { RetryPolicy } from "../../provider/agentmail/retry";
import type { LifecycleContext } from "../../provider/lifecycle/context";
import { keyHint } from "../../provider/agentmail/redact";
import { connectionCredentials } from "../../provider/agentmail/credentials";

/** Fast but complete: the same rules, smaller numbers. */
export const FAST_POLICY: Partial<RetryPolicy> = {
  maxAttempts: 4,
  baseDelayMs: 5,
  maxDelayMs: 20,
  maxRetryAfterMs: 50,
  deadlineMs: 5_000,
  connectTimeoutMs: 1_000,
  headersTimeoutMs: 300,
  bodyTimeoutMs: 300,
};

/** An emulator plus contexts bound to it; `close()` in after(). */
export interface Bench {
  emu: Emulator;
  agent: Agent;
  /**
   * A context using `apiKey` (default: the organization key); a resource's `connection`, when the lifecycle
   * passes one, is resolved as the provider host resolves it (so it may point at another emulator).
   */
  ctx(apiKey?: string, policy?: Partial<RetryPolicy>): LifecycleContext;
  close(): Promise<void>;
}

export async function startBench(options: EmulatorOptions = {}): Promise<Bench> {
  const emu = await startEmulator(options);
  const agent = new Agent({ keepAliveTimeout: 100, keepAliveMaxTimeout: 100, connect: { timeout: 1_000 } });
  return {
    emu,
    agent,
    ctx(apiKey = emu.orgApiKey, policy = FAST_POLICY) {
      return {
        client: (connection) =>
          new AgentMailClient({
            credentials:
              connection === undefined
                ? { apiKey, baseUrl: emu.url, description: `test credential (${keyHint(apiKey)})` }
                : connectionCredentials(connection),
            policy,
            dispatcher: agent,
          }),
        now: Date.now,
      };
    },
    async close() {
      await agent.close();
      await emu.stop();
    },
  };
}

/** The error a promise rejects with (fails if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection, got a result");
}

/**
 * An agent like the bench's that counts the TCP connections it tries to open, refused ones included: with
 * keep-alive off, one per attempt, so a test can count attempts where the emulator cannot see them.
 */
export function countingAgent(): { agent: Agent; connects(): number } {
  let connects = 0;
  const connect = buildConnector({ timeout: 1_000 });
  const agent = new Agent({
    pipelining: 0,
    connect: (options, callback) => {
      connects++;
      connect(options, callback);
    },
  });
  return { agent, connects: () => connects };
}

/** What {@link usePodBench} gives a suite: filled in by its hooks, so read it inside hooks and tests. */
export interface PodBench {
  /** The emulator and contexts, for the whole suite. */
  bench: Bench;
  /** A fresh pod for each test; the request log and fault rules are cleared before each test. */
  podId: string;
}

/**
 * Registers the hooks most lifecycle suites share: one emulator for the suite, a new pod named `podName`,
 * an empty request log and no fault rules before each test.
 */
export function usePodBench(podName: string, options: EmulatorOptions = {}): PodBench {
  const fixture = {} as PodBench;
  before(async () => {
    fixture.bench = await startBench(options);
  });
  after(() => fixture.bench?.close());
  beforeEach(() => {
    fixture.podId = fixture.bench.emu.store.createPod({ name: podName }).pod_id;
    fixture.bench.emu.log.clear();
    fixture.bench.emu.faults.clear();
  });
  return fixture;
}
