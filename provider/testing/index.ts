/**
 * A testing kit for programs that use `pulumi-agentmail` (`import { agentmailMocks } from "pulumi-agentmail/testing"`):
 * Pulumi mocks that answer for `Pod`, `PodApiKey`, `RotatingPodApiKey` and the lookups as the provider and AgentMail would. Nothing of
 * it loads unless imported. For a local AgentMail server, see `pulumi-agentmail/emulator`.
 * @packageDocumentation
 * @module pulumi-agentmail/testing
 */
export {
  agentmailMocks,
  POD_API_KEY_TYPE,
  POD_TYPE,
  ROTATION_SCHEDULE_TYPE,
  type AgentMailMocksOptions,
} from "./mocks";
export { promiseOf } from "./promiseOf";
export { CheckFailedError, type CheckFailure } from "./checkFailure";
export type { MockPod, MockPodApiKey } from "./seeds";
