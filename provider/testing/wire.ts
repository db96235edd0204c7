/**
 * Inputs as the provider host hands them to `check`: Pulumi's mocks give `newResource` the program's inputs as the
 * SDK deserializes them, with secrets wrapped and, in a preview, values not known yet as the SDK's `unknown`. The
 * engine sends the provider plaintext (the dynamic provider host does not accept secrets) and the unknown-value
 * sentinel (see lifecycle/unknown.ts), so the same is done here before the provider's own check runs.
 */
import * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "../lifecycle/unknown";

/** True for a secret as the SDK deserializes it under mocks (`{ [specialSigKey]: specialSecretSig, value }`). */
export function isSecretWrapper(v: unknown): v is { value: unknown } {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

/** A secret wrapped the same way, for an output the engine would keep secret. */
export function wrapSecret(value: unknown): Record<string, unknown> {
  return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}

/** `v` with secrets unwrapped and unknown values replaced by the sentinel the engine sends. */
export function asProviderSees(v: unknown): unknown {
  if (pulumi.isUnknown(v)) return UNKNOWN;
  if (isSecretWrapper(v)) return asProviderSees(v.value);
  if (Array.isArray(v)) return v.map(asProviderSees);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asProviderSees(x)]));
  }
  return v;
}
