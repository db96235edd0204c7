/**
 * Conversions between plain JavaScript values and the protobuf `Struct`s of the provider protocol,
 * and the few special wire values of Pulumi's property encoding.
 * @module
 */
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { structpb } from "./pulumiModules";

/** A property bag as it travels over gRPC: JSON-like values only. */
export type PropertyMap = Record<string, unknown>;

/** Key that marks a special value in Pulumi's wire encoding (`runtime/rpc.js` `specialSigKey`). */
export const specialSigKey = "4dabf18193072939515e22adb298388d";

/** Signature of a secret wrapper `{ [specialSigKey]: secretSig, value }` (`runtime/rpc.js`). */
export const secretSig = "1b47061264138c4ac30d75fd1eb44270";

/**
 * The string the engine sends, during preview, in place of an input whose value is not known yet
 * (`runtime/rpc.js` `unknownValue`). It can stand in for a value of any type.
 */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Converts a plain object to a `Struct`.
 *
 * `Struct.fromJavaScript` rejects `undefined`; protobuf has no such value, so (like JSON) object
 * members that are `undefined` are dropped and `undefined` array elements become `null`.
 */
export function toStruct(value: PropertyMap): Struct {
  return structpb.Struct.fromJavaScript(stripUndefined(value) as Record<string, never>);
}

/** Converts a `Struct` (or its absence, read as `{}`) to a plain object. */
export function fromStruct(struct: Struct | undefined): PropertyMap {
  return struct === undefined ? {} : (struct.toJavaScript() as PropertyMap);
}

function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => (v === undefined ? null : stripUndefined(v)));
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) {
        out[k] = stripUndefined(v);
      }
    }
    return out;
  }
  return value;
}

/** True if `value` is a secret wrapper in Pulumi's wire encoding. */
export function isSecretValue(value: unknown): value is { value?: unknown } {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[specialSigKey] === secretSig;
}

/**
 * Replaces every secret wrapper in `value` by the value it wraps, recursively.
 *
 * This is what the engine does to inputs and state before a CRUD call to a provider that answered
 * Configure with `acceptSecrets: false`, as the dynamic provider host does: the provider sees plaintext.
 */
export function unwrapSecrets<T>(value: T): T {
  if (isSecretValue(value)) {
    return unwrapSecrets(value.value) as T;
  }
  if (Array.isArray(value)) {
    return value.map((v) => unwrapSecrets(v)) as T;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = unwrapSecrets(v);
    }
    return out as T;
  }
  return value;
}
