/**
 * Auto-naming, as Pulumi's providers do it: the resource's name plus a random suffix, chosen once in `check` and
 * then kept (read back from the old inputs) so that later runs see no change, whatever the resource is called by
 * then: a rename through `aliases` must be a no-op, not a replacement (for a key, a revoked live credential).
 *
 * Which inputs `check` filled in itself is recorded in the inputs, under {@link DEFAULTS_KEY}, as
 * pulumi-terraform-bridge does (`defaultsKey` and `applyDefaults` in pkg/tfbridge/schema.go): an old value is
 * reused as the default only when the old inputs list it as a default. So a name the user gave and later removed
 * gets a fresh auto-name instead of being kept. The engine calls `check` with no old inputs before the create of a
 * replacement decided by `diff`, so a replacement gets a fresh name too.
 */
import { randomBytes } from "node:crypto";
import { compact } from "./outputs";

/** The input that lists the inputs `check` defaulted (here only `name`), as the bridge's `__defaults`. @internal */
export const DEFAULTS_KEY = "__defaults";

/** The shape of an auto-name: `<prefix>-` and 7 hex digits. */
const AUTO_NAME = /^.+-[0-9a-f]{7}$/;

/**
 * The name to default to: the old auto-name when the old inputs hold one, else `<prefix>-<7 hex>`.
 * @internal
 */
export function autoName(prefix: string, olds: Record<string, unknown>, random: () => string = defaultSuffix): string {
  return keptAutoName(olds) ?? `${prefix}-${random()}`;
}

/** The old inputs' name if `check` chose it, whatever prefix it was made from (the resource may be renamed). */
function keptAutoName(olds: Record<string, unknown>): string | undefined {
  const old = olds["name"];
  if (typeof old !== "string") return undefined;
  const defaults = olds[DEFAULTS_KEY];
  if (Array.isArray(defaults)) return defaults.includes("name") ? old : undefined;
  // Inputs checked before the list existed: only the shape can tell (a given name of that shape is kept too).
  return AUTO_NAME.test(old) ? old : undefined;
}

function defaultSuffix(): string {
  return randomBytes(4).toString("hex").slice(0, 7);
}

/**
 * The checked inputs of either resource: `news` with its `name`, the given one or the auto-name (prefix from
 * the resource class's `autoNamePrefix`, else `defaultPrefix`), kept from `olds` once chosen, and the list of
 * defaulted inputs that says which it was.
 * @internal
 */
export function withName(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  defaultPrefix: string,
): Record<string, unknown> {
  const given = news["name"];
  if (given !== undefined && given !== null) return compact({ ...news, [DEFAULTS_KEY]: [] });
  const prefix = typeof news["autoNamePrefix"] === "string" ? news["autoNamePrefix"] : defaultPrefix;
  return compact({ ...news, name: autoName(prefix, olds), [DEFAULTS_KEY]: ["name"] });
}
