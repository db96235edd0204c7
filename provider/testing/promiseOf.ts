/**
 * `promiseOf`: an output's value in a test, or the resource's failure. Tests under mocks usually read an output
 * with `output.apply(resolve)`, but `apply` never runs when the resource failed to register (a check failure
 * here, or an error from your own mocks): the test then times out without saying why. This helper rejects with
 * the failure instead.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * Resolves with the value of `output` once known, or rejects with why its resource failed (for a `PodApiKey`
 * or `Pod` whose inputs the provider refuses, the lines `pulumi preview` would print). Resolves with
 * `undefined` for a value unknown in a preview.
 * @example
 * ```ts
 * await assert.rejects(promiseOf(key.apiKey), /permissions\.mesageSend/);
 * ```
 */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  // Every SDK version has a `promise()` on its outputs, which also carries rejections; it is marked internal,
  // so it is checked for rather than assumed. Without it, `apply` is the fallback (it cannot see a failure).
  const withPromise = output as unknown as { promise?: () => Promise<T> };
  if (typeof withPromise.promise === "function") return withPromise.promise();
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
