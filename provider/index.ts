/**
 * Pulumi resources for AgentMail: pods and pod-scoped API keys.
 * @packageDocumentation
 * @module pulumi-agentmail
 */
export { PodApiKey, type PodApiKeyArgs, type PodApiKeyPermissions } from "./podApiKey";
export { Pod, type PodArgs } from "./pod";
export { type ConnectionArgs } from "./connection";
export { RotatingPodApiKey, RotationSchedule, type RotatingPodApiKeyArgs } from "./rotatingPodApiKey";
export {
  getPod,
  getPodOutput,
  getPodApiKeys,
  getPodApiKeysOutput,
  GET_POD_TOKEN,
  GET_POD_API_KEYS_TOKEN,
  type GetPodArgs,
  type GetPodOutputArgs,
  type GetPodResult,
  type GetPodApiKeysArgs,
  type GetPodApiKeysOutputArgs,
  type GetPodApiKeysResult,
  type PodApiKeyInfo,
  type LookupConnection,
} from "./lookups";
export {
  PERMISSIONS,
  PERMISSION_NAMES,
  type CamelCase,
  type PermissionName,
  type PermissionWireName,
} from "./agentmail/permissions";
export {
  AgentMailError,
  ApiError,
  CredentialsError,
  NetworkError,
  ResponseError,
  type RequestInfo,
} from "./agentmail/errors";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./agentmail/retry";
export { DEFAULT_BASE_URL } from "./agentmail/credentials";
