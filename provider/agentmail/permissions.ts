/**
 * The permission names AgentMail knows, and the mapping between the package's camelCase names and the
 * API's snake_case wire names.
 *
 * The service silently drops permission names it does not know, so a typo would grant nothing without
 * any error: this list is the only protection, and `check` rejects anything not in it.
 */

/** Every permission name of the newest AgentMail API description (snake_case, as sent on the wire). */
export const PERMISSION_NAMES = [
  "inbox_read",
  "inbox_create",
  "inbox_update",
  "inbox_delete",
  "message_read",
  "message_send",
  "message_reply",
  "message_update",
  "message_delete",
  "label_spam_read",
  "label_blocked_read",
  "label_unauthenticated_read",
  "label_trash_read",
  "draft_read",
  "draft_create",
  "draft_update",
  "draft_delete",
  "draft_send",
  "webhook_read",
  "webhook_create",
  "webhook_update",
  "webhook_delete",
  "domain_read",
  "domain_create",
  "domain_update",
  "domain_delete",
  "list_entry_read",
  "list_entry_create",
  "list_entry_delete",
  "metrics_read",
  "api_key_read",
  "api_key_create",
  "api_key_update",
  "api_key_delete",
  "app_connect",
  "app_share_owner",
  "account_update",
  "pod_read",
  "pod_create",
  "pod_update",
  "pod_delete",
  "calendar_read",
  "calendar_update",
  "calendar_event_read",
  "calendar_event_create",
  "calendar_event_update",
  "calendar_event_delete",
] as const;

/** A permission's wire name. */
export type PermissionWireName = (typeof PERMISSION_NAMES)[number];

/** The camelCase form of a snake_case name (`message_send` -> `messageSend`). */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** A permission's name in this package (camelCase). */
export type PermissionName = CamelCase<PermissionWireName>;

/** @internal */
export function toCamel(wire: string): string {
  return wire.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** @internal */
export function toSnake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Every permission name in camelCase, in the API's order. */
export const PERMISSIONS: readonly PermissionName[] = PERMISSION_NAMES.map((n) => toCamel(n) as PermissionName);

const camelSet: ReadonlySet<string> = new Set(PERMISSIONS);
const wireSet: ReadonlySet<string> = new Set(PERMISSION_NAMES);

/** @internal */
export function isPermissionName(name: string): name is PermissionName {
  return camelSet.has(name);
}

/** @internal */
export function isWirePermissionName(name: string): name is PermissionWireName {
  return wireSet.has(name);
}

/**
 * Names older programs may still carry, which the newest API no longer knows (the service would drop
 * them silently). Each says what to write instead.
 * @internal
 */
export const LEGACY_PERMISSIONS: Readonly<Record<string, string>> = Object.freeze(
  // No prototype: it is indexed with the user's own keys, and `__proto__` or `toString` must read as absent.
  Object.assign(Object.create(null) as Record<string, string>, {
    threadRead: "thread access follows messageRead; AgentMail never enforced threadRead: use messageRead",
    threadDelete: "thread access follows messageDelete; AgentMail never enforced threadDelete: use messageDelete",
    providerConnect: "it was renamed appConnect",
    providerShareOwner: "it was renamed appShareOwner",
  }),
);

/**
 * A key's grant, by meaning: `"all"` (permissions omitted: everything the key's scope allows) or the
 * sorted list of granted permissions (`false` and absent are the same: not granted).
 * @internal
 */
export type Grant = "all" | readonly PermissionName[];

/** @internal */
export function grantOf(permissions: Readonly<Record<string, unknown>> | undefined | null): Grant {
  if (permissions === undefined || permissions === null) return "all";
  return Object.keys(permissions)
    .filter((k): k is PermissionName => permissions[k] === true && isPermissionName(k))
    .sort();
}

/**
 * Whether two grants mean the same. A list of every known permission equals "all" here: the API may show
 * a full-access key either way (its description only says `permissions?`). Only in comparison: a user's
 * explicit list is still sent as a list, since "all" would also grant permissions added to AgentMail later.
 * @internal
 */
export function sameGrant(a: Grant, b: Grant): boolean {
  const full = (g: Grant) => g === "all" || g.length === PERMISSIONS.length;
  if (a === "all" || b === "all" || full(a) || full(b)) return full(a) && full(b);
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/** A grant with a list of every known permission written as "all". @internal */
export function asFullIfComplete(g: Grant): Grant {
  return g !== "all" && g.length === PERMISSIONS.length ? "all" : g;
}

/** The wire body of a grant: `undefined` for full access, else only the granted names set to true. @internal */
export function grantToWire(grant: Grant): Record<string, true> | undefined {
  if (grant === "all") return undefined;
  return Object.fromEntries(grant.map((p) => [toSnake(p), true as const]));
}

/** A grant read from the wire (unknown names ignored, as the service does). @internal */
export function grantFromWire(wire: Readonly<Record<string, unknown>> | undefined | null): Grant {
  if (wire === undefined || wire === null) return "all";
  return Object.keys(wire)
    .filter((k) => wire[k] === true && isWirePermissionName(k))
    .map((k) => toCamel(k) as PermissionName)
    .sort();
}

/** The object form of a grant as stored in outputs: only granted names, each `true`. @internal */
export function grantToObject(grant: Grant): Partial<Record<PermissionName, boolean>> | undefined {
  if (grant === "all") return undefined;
  return Object.fromEntries(grant.map((p) => [p, true]));
}

/**
 * How a created key's grant differs from an allowlist that was asked (wire names both): the names asked
 * but not granted (AgentMail silently drops names it does not know) and the names granted but not asked.
 * A full-access ask (`asked` undefined) has no list to compare, and an answer without `permissions` shows
 * nothing to compare: both give no difference.
 * @internal
 */
export function grantShortfall(
  asked: Readonly<Record<string, boolean>> | undefined,
  granted: Readonly<Record<string, unknown>> | undefined | null,
): { missing: string[]; extra: string[] } {
  if (asked === undefined || granted === undefined || granted === null) return { missing: [], extra: [] };
  const wanted = Object.keys(asked).filter((k) => asked[k] === true);
  const got = Object.keys(granted).filter((k) => granted[k] === true);
  return {
    missing: wanted.filter((k) => !got.includes(k)).map(toCamel),
    extra: got.filter((k) => !wanted.includes(k)).map(toCamel),
  };
}
