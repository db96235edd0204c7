/** Helpers for the values a dynamic provider returns. */

/**
 * Drops `undefined` (and `null`) members: the provider host cannot encode them ("Unexpected struct type").
 * @internal
 */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
