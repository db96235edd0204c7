/**
 * A check failure as `pulumi preview` prints it, so that a unit test under mocks fails with the words the user
 * will see later. The engine writes one line per failure (pulumi/pulumi `pkg/resource/deploy/step_generator.go`,
 * `issueCheckFailures`, with diagnostic 2003 of `sdk/go/common/diag/errors.go`):
 * `<type> resource '<name>': property <property> value <value> has a problem: <reason>`, and for a failure
 * without a property (diagnostic 2002) `<type> resource '<name>' has a problem: <reason>`. The value is the
 * program's input under that exact property name, printed as Go prints a `resource.PropertyValue`: `{pod_1}`,
 * `{true}`, `{map[k:{v}]}`, and `{<nil>}` for a nested path such as `permissions.mesageSend` (the engine looks the
 * whole path up as one key, and finds nothing).
 */
import { isSecretWrapper } from "./wire";

/** One failure of the provider's `check`: the input path and what is wrong with it. */
export interface CheckFailure {
  /** The input path, e.g. `permissions.mesageSend`. */
  readonly property: string;
  /** What is wrong, what is allowed, and a suggestion where one is obvious. */
  readonly reason: string;
}

/** The error a mocked resource fails with when the provider's check refuses its inputs. */
export class CheckFailedError extends Error {
  /** The failures, as the provider's `check` returned them: `{ property, reason }`. */
  readonly failures: readonly CheckFailure[];

  constructor(
    type: string,
    name: string,
    inputs: Readonly<Record<string, unknown>>,
    failures: readonly CheckFailure[],
  ) {
    super(failures.map((f) => engineLine(type, name, inputs, f)).join("\n"));
    this.name = "CheckFailedError";
    this.failures = failures;
  }
}

function engineLine(type: string, name: string, inputs: Readonly<Record<string, unknown>>, f: CheckFailure): string {
  if (f.property === "") return `${type} resource '${name}' has a problem: ${f.reason}`;
  return `${type} resource '${name}': property ${f.property} value ${goValue(inputs[f.property])} has a problem: ${f.reason}`;
}

/** A value as Go's `%v` prints a `resource.PropertyValue` (`{...}` around the underlying value). */
function goValue(v: unknown): string {
  return `{${goInner(v)}}`;
}

function goInner(v: unknown): string {
  if (v === undefined || v === null) return "<nil>";
  if (isSecretWrapper(v)) return "[secret]";
  if (Array.isArray(v)) return `[${v.map(goValue).join(" ")}]`;
  if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${goValue(x)}`).join(" ")}]`;
  }
  return String(v);
}
