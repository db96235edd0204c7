/**
 * Auto-naming, as Pulumi's providers do it: the resource's name plus a random suffix, chosen once in
 * `check` and then kept (read back from the old inputs) so that later runs see no change.
 */
import { randomBytes } from "node:crypto";
import { compact } from "./outputs";

const SUFFIX = /-[0-9a-f]{7}$/;

/** @internal */
export function autoName(prefix: string, oldName: unknown, random: () => string = defaultSuffix): string {
  if (
    typeof oldName === "string" &&
    oldName.startsWith(`${prefix}-`) &&
    SUFFIX.test(oldName) &&
    oldName.length === prefix.length + 8
  ) {
    return oldName;
  }
  return `${prefix}-${random()}`;
}

function defaultSuffix(): string {
  return randomBytes(4).toString("hex").slice(0, 7);
}

/**
 * The checked inputs of either resource: `news` with its `name`, the given one or the auto-name (prefix from
 * the resource class's `autoNamePrefix`, else `defaultPrefix`), kept from `olds` once chosen.
 * @internal
 */
export function withName(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  defaultPrefix: string,
): Record<string, unknown> {
  const prefix = typeof news["autoNamePrefix"] === "string" ? news["autoNamePrefix"] : defaultPrefix;
  return compact({ ...news, name: news["name"] ?? autoName(prefix, olds["name"]) });
}
