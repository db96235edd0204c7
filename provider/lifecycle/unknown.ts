/**
 * During a preview, an input whose value is not known yet (e.g. `podId: pod.podId` of a pod not yet
 * created) reaches `check` and `diff` as this sentinel string, in place of a value of any type.
 * Validation lets it through; diff treats it as a possible change.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** @internal */
export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/**
 * True when `v` is known, and so are its own fields: a preview may send the sentinel for a whole input or for one
 * field of an object input (`connection.apiKey`, `permissions.messageSend`). One level, as deep as inputs go.
 * @internal
 */
export function isKnown(v: unknown): boolean {
  if (isUnknown(v)) return false;
  return v === null || typeof v !== "object" || Object.values(v).every((x) => !isUnknown(x));
}
