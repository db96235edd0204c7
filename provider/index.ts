/**
 * Pulumi resources for AgentMail: pods and pod-scoped API keys.
 * @packageDocumentation
 */
export { PodApiKey, type PodApiKeyArgs, type PodApiKeyPermissions } from "./podApiKey";
export { PERMISSIONS, type PermissionName } from "./agentmail/permissions";
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
