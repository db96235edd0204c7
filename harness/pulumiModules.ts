/**
 * The Pulumi SDK's own copies of gRPC, google-protobuf and the generated `pulumirpc` stubs.
 *
 * Loaded through `createRequire` rooted at the installed `@pulumi/pulumi` package, so that the
 * messages this harness builds come from exactly the module instances the provider host uses
 * (two copies of google-protobuf would each have their own `Struct` class). Only types are
 * imported statically.
 * @module
 */
import { createRequire } from "node:module";
import * as path from "node:path";

const pulumiPackageJson = require.resolve("@pulumi/pulumi/package.json");
const pulumiRequire = createRequire(pulumiPackageJson);

/** Absolute path of the installed `@pulumi/pulumi` package folder. */
export const pulumiDir: string = path.dirname(pulumiPackageJson);

/** Version of the installed `@pulumi/pulumi` package. */
export const pulumiVersion: string = (pulumiRequire("./package.json") as { version: string }).version;

/** Entry point of the dynamic provider host, the program the engine runs for `pulumi-nodejs` resources. */
export const dynamicProviderHostPath: string = path.join(pulumiDir, "cmd", "dynamic-provider", "index.js");

/** `@grpc/grpc-js` as resolved from `@pulumi/pulumi`. */
export const grpc: typeof import("@grpc/grpc-js") = pulumiRequire("@grpc/grpc-js");

/** google-protobuf `Struct` module as resolved from `@pulumi/pulumi`. */
export const structpb: typeof import("google-protobuf/google/protobuf/struct_pb") = pulumiRequire(
  "google-protobuf/google/protobuf/struct_pb",
);

/** `pulumirpc` provider messages. */
export const provpb: typeof import("@pulumi/pulumi/proto/provider_pb") = pulumiRequire("./proto/provider_pb");

/** `pulumirpc.ResourceProvider` service stubs. */
export const provgrpc: typeof import("@pulumi/pulumi/proto/provider_grpc_pb") =
  pulumiRequire("./proto/provider_grpc_pb");

/** `google.rpc.Status`, used to decode `grpc-status-details-bin` trailers. */
export const statuspb: typeof import("@pulumi/pulumi/proto/status_pb") = pulumiRequire("./proto/status_pb");

/** `pulumirpc.PluginInfo` (GetPluginInfo's answer). */
export const pluginpb: typeof import("@pulumi/pulumi/proto/plugin_pb") = pulumiRequire("./proto/plugin_pb");

/** google-protobuf `Empty`. */
export const emptypb: typeof import("google-protobuf/google/protobuf/empty_pb") = pulumiRequire(
  "google-protobuf/google/protobuf/empty_pb",
);
