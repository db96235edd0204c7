/**
 * The error a provider host call rejects with, decoded from the gRPC status.
 * @module
 */
import assert from "node:assert/strict";
import type { ServiceError } from "@grpc/grpc-js";
import { grpc, provpb, statuspb } from "./pulumiModules";
import { fromStruct, type PropertyMap } from "./values";

/**
 * A resource that was created but failed to initialize: the `pulumirpc.ErrorResourceInitFailed`
 * detail the host packs into the `grpc-status-details-bin` trailer when a thrown error carries an `id`.
 * The engine keeps such a resource in state with `properties` as its outputs.
 */
export interface InitFailure {
  /** The ID of the created resource. */
  id: string;
  /** The properties the error carried (the outputs the engine would store). */
  properties: PropertyMap;
  /** The reasons the error carried. */
  reasons: string[];
}

const brand = Symbol.for("pulumi-agentmail/harness/ProviderHostError");
const initFailedTypeName = "pulumirpc.ErrorResourceInitFailed";

/** A failed gRPC call to the provider host. */
export class ProviderHostError extends Error {
  /** Numeric gRPC status code (`2` = UNKNOWN for a thrown error). */
  readonly grpcCode: number;
  /** Name of the gRPC status code, such as `"UNKNOWN"`. */
  readonly grpcCodeName: string;
  /** The status message: what the engine shows the user (the thrown error's `message`). */
  readonly details: string;
  /** The RPC method that failed, such as `"create"`. */
  readonly method: string;
  /** Present when the host reported "created but failed to initialize". */
  readonly initFailure?: InitFailure;

  constructor(method: string, grpcCode: number, details: string, initFailure?: InitFailure) {
    const codeName = grpc.status[grpcCode] ?? String(grpcCode);
    super(`${method} failed (${codeName}): ${details}`);
    this.name = "ProviderHostError";
    this.method = method;
    this.grpcCode = grpcCode;
    this.grpcCodeName = codeName;
    this.details = details;
    if (initFailure !== undefined) {
      this.initFailure = initFailure;
    }
    Object.defineProperty(this, brand, { value: true });
  }

  /** True if `e` is a `ProviderHostError`, also one from another copy of this module. */
  static isInstance(e: unknown): e is ProviderHostError {
    return e !== null && typeof e === "object" && (e as Record<symbol, unknown>)[brand] === true;
  }

  /** @internal Builds the error from what `@grpc/grpc-js` gave the client callback. */
  static fromServiceError(method: string, err: ServiceError): ProviderHostError {
    return new ProviderHostError(method, err.code, err.details, decodeInitFailure(err));
  }
}

/**
 * Expects `promise` (a provider host call) to reject with a {@link ProviderHostError} and returns that
 * error, so that a test can go on to check its `details` or `initFailure`.
 * @throws AssertionError if the call succeeds or rejects with anything else.
 */
export async function expectHostError(promise: Promise<unknown>): Promise<ProviderHostError> {
  const e = await promise.then(
    () => assert.fail("expected the call to fail"),
    (err: unknown) => err,
  );
  assert.ok(ProviderHostError.isInstance(e), `not a ProviderHostError: ${String(e)}`);
  return e;
}

/** Decodes `ErrorResourceInitFailed` from the status details trailer, as the Go engine does. */
function decodeInitFailure(err: ServiceError): InitFailure | undefined {
  const raw = err.metadata?.get("grpc-status-details-bin") ?? [];
  for (const bin of raw) {
    if (typeof bin === "string") {
      continue;
    }
    const status = statuspb.Status.deserializeBinary(bin);
    for (const any of status.getDetailsList()) {
      const detail = any.unpack(provpb.ErrorResourceInitFailed.deserializeBinary, initFailedTypeName);
      if (detail !== null) {
        return {
          id: detail.getId(),
          properties: fromStruct(detail.getProperties()),
          reasons: detail.getReasonsList(),
        };
      }
    }
  }
  return undefined;
}
