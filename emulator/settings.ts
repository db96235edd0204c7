/**
 * Validation of the emulator's adjustable settings, shared by `startEmulator`'s options and the admin route
 * `PATCH /__emulator/settings`, so that a test in another process can change what an in-process test changes
 * through `emu.settings` (listing lag, empty pages, page sizes, quotas, the full-access form, unknown permissions).
 */
import type { EmulatorSettings } from "./context";
import { invalid } from "./errors";
import { isPermissionName } from "./permissions";
import { rateLimitProblem } from "./rateLimit";

/** What is wrong with `value` as the setting `name`, or undefined when it is allowed. */
export function settingProblem(name: string, value: unknown): string | undefined {
  switch (name) {
    case "listingLagMs":
      return typeof value === "number" && Number.isFinite(value) && value >= 0
        ? undefined
        : "listingLagMs must be a finite number of milliseconds, 0 or more";
    case "defaultPageLimit":
    case "maxPageLimit":
      return Number.isInteger(value) && (value as number) >= 1 ? undefined : `${name} must be a positive integer`;
    case "emptyPages":
      return typeof value === "boolean" ? undefined : "emptyPages must be true or false";
    case "fullAccessPermissions":
      return value === "omit" || value === "all" ? undefined : 'fullAccessPermissions must be "omit" or "all"';
    case "limits":
      return limitsProblem(value);
    case "unknownPermissions":
      return unknownPermissionsProblem(value);
    case "rateLimit":
      return rateLimitProblem(value);
    default:
      return `unknown setting ${JSON.stringify(name)}; settable: ${SETTABLE.join(", ")}`;
  }
}

const SETTABLE = [
  "defaultPageLimit",
  "maxPageLimit",
  "emptyPages",
  "limits",
  "fullAccessPermissions",
  "listingLagMs",
  "unknownPermissions",
  "rateLimit",
];

function unknownPermissionsProblem(value: unknown): string | undefined {
  const allowed =
    'unknownPermissions must be an array of permission names of the API reference, e.g. ["message_reply"]';
  if (!Array.isArray(value)) return allowed;
  // Only current names: an unlisted name is unknown already, and a legacy one has its own documented answer.
  const wrong = value.filter((v) => typeof v !== "string" || !isPermissionName(v));
  return wrong.length === 0 ? undefined : `${allowed}; not one: ${wrong.map((v) => JSON.stringify(v)).join(", ")}`;
}

function limitsProblem(value: unknown): string | undefined {
  const allowed = "limits must be an object of positive integers with keys pods and/or apiKeysPerPod";
  if (value === null || typeof value !== "object" || Array.isArray(value)) return allowed;
  for (const [k, v] of Object.entries(value)) {
    if ((k !== "pods" && k !== "apiKeysPerPod") || !Number.isInteger(v) || (v as number) < 1) return allowed;
  }
  return undefined;
}

/**
 * Applies the members of `patch` to `settings`, all or none: any invalid member answers 400 `validation_error`
 * naming it, and then nothing changes.
 */
export function patchSettings(settings: EmulatorSettings, patch: Record<string, unknown>): void {
  const issues = Object.entries(patch).flatMap(([name, value]) => {
    const problem = settingProblem(name, value);
    return problem === undefined ? [] : [{ path: [name], message: problem }];
  });
  const next = { ...settings, ...patch } as EmulatorSettings;
  if (issues.length === 0 && next.defaultPageLimit > next.maxPageLimit) {
    issues.push({ path: ["defaultPageLimit"], message: "defaultPageLimit must not exceed maxPageLimit" });
  }
  if (issues.length > 0) throw invalid(issues);
  Object.assign(settings, patch);
  // A copy, so that the caller's array is never shared with the running emulator.
  if (Array.isArray(patch["unknownPermissions"])) settings.unknownPermissions = [...settings.unknownPermissions];
}
