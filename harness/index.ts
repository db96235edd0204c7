/**
 * Engine-level test harness: run a Pulumi program under mocks to get what the engine would receive
 * (`captureProgram`), then drive the real dynamic provider host over gRPC with it (`startProviderHost`)
 * from a temporary project folder (`makeProjectDir`).
 * @module
 */
export * from "./captureProgram";
export * from "./projectDir";
export * from "./packedInstall";
export * from "./providerHost";
export * from "./providerHostTypes";
export * from "./providerHostError";
export { pulumiVersion, dynamicProviderHostPath } from "./pulumiModules";
export * from "./values";
export * from "./hostClock";
