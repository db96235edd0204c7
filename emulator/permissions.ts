/**
 * AgentMail API-key permission names and the rules the emulator applies to them: unknown names are
 * dropped silently, an object is an allowlist of its `true` fields, an absent object means "everything".
 */

/**
 * The 47 permission names of the newest API description. Deliberately a copy of the provider's list,
 * not an import: the emulator stands for the service, and test/unit/permissions.test.ts compares the
 * two, so a name added to one side only is caught instead of silently agreeing with itself.
 */
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

/** One of the 47 current permission names. */
export type PermissionName = (typeof PERMISSION_NAMES)[number];

/**
 * Older names that users' programs may still carry: `thread_*` (folded into the `message_*` permissions in March
 * 2026) and `provider_*` (renamed `app_*` on 2026-09-30). None is a current name.
 */
export const LEGACY_PERMISSION_NAMES = [
  "thread_read",
  "thread_delete",
  "provider_connect",
  "provider_share_owner",
] as const;

/**
 * The legacy names the service refuses: since 2026-09-30 sending `provider_connect` or `provider_share_owner`
 * (with any value) is a 400 `validation_error` naming the field (documented). The other legacy names are dropped
 * silently like any unknown name.
 */
export const REMOVED_PERMISSION_NAMES: ReadonlyMap<string, PermissionName> = new Map([
  ["provider_connect", "app_connect"],
  ["provider_share_owner", "app_share_owner"],
]);

/** A permissions object as sent and echoed on the wire: every field an optional boolean. */
export type Permissions = Partial<Record<PermissionName, boolean>>;

const KNOWN: ReadonlySet<string> = new Set(PERMISSION_NAMES);

/** Returns whether `name` is one of the 47 current permission names. */
export function isPermissionName(name: string): name is PermissionName {
  return KNOWN.has(name);
}

/**
 * The set of permissions a key holds. `undefined` permissions (omitted on create) grant every permission the
 * key's scope allows; an object grants exactly its `true` fields.
 */
export function grantedSet(permissions: Permissions | undefined): ReadonlySet<PermissionName> {
  if (permissions === undefined) return ALL;
  const granted = new Set<PermissionName>();
  for (const name of PERMISSION_NAMES) if (permissions[name] === true) granted.add(name);
  return granted;
}

const ALL: ReadonlySet<PermissionName> = new Set(PERMISSION_NAMES);

/** Whether a key with `permissions` holds `name`. */
export function holds(permissions: Permissions | undefined, name: PermissionName): boolean {
  return permissions === undefined || permissions[name] === true;
}

/** The permissions in `wanted` that `holder` lacks (empty when `wanted` is a subset: no escalation). */
export function escalation(holder: Permissions | undefined, wanted: Permissions | undefined): PermissionName[] {
  if (holder === undefined) return [];
  const have = grantedSet(holder);
  return [...grantedSet(wanted)].filter((name) => !have.has(name));
}

/**
 * Copies the known fields of a permissions object, dropping unknown names (values of unknown names are not
 * even looked at, like a schema that strips unknown keys). Known fields must already be booleans.
 * @param unknown current names the service is told to pretend not to know (`settings.unknownPermissions`):
 * dropped like unknown ones.
 */
export function dropUnknown(
  permissions: Readonly<Record<string, unknown>>,
  unknown: ReadonlySet<string> = NONE,
): Permissions {
  const kept: Permissions = {};
  for (const name of Object.keys(permissions)) {
    if (!isPermissionName(name) || unknown.has(name)) continue;
    const value = permissions[name];
    if (typeof value === "boolean") kept[name] = value;
  }
  return kept;
}

const NONE: ReadonlySet<string> = new Set();
