/**
 * Level 1: the zod schemas of the wire format. For every schema: which fields are required (an answer without
 * one, or with `null` in it, is refused), which are tolerated absent or `null` (the API sends null for unset
 * optional fields), that unknown fields are tolerated (and dropped, except in lists' entries, which the client
 * validates later), and which values are refused. The field lists below must name every field of the schema,
 * so a field added without a decision here fails the suite.
 */
import assert from "node:assert/strict";
import type { z } from "zod";
import {
  ApiKeyListSchema,
  BearerKeySchema,
  CreatedKeySchema,
  ErrorBodySchema,
  IdentitySchema,
  PodListSchema,
  PodSchema,
} from "../../provider/agentmail/schemas";

const T = "2026-01-02T03:04:05.678Z";

interface SchemaCase {
  readonly name: string;
  readonly schema: z.ZodObject;
  /** Every required field, with a valid value: together they are the smallest valid answer. */
  readonly required: Record<string, unknown>;
  /** Every optional field, with a valid value; each may also be absent or, when `nullable`, null. */
  readonly optional: Record<string, unknown>;
  /** Whether the optional fields accept `null` (the API's way of saying "unset"). */
  readonly nullable: boolean;
  /** Values that must be refused: [field, value]. */
  readonly refused: ReadonlyArray<readonly [string, unknown]>;
}

const pod = { pod_id: "pod_1", name: "support", created_at: T, updated_at: T };
const bearer = { type: "bearer", api_key_id: "ak_1", prefix: "am_us_ab12", name: "bot", created_at: T };

const CASES: SchemaCase[] = [
  {
    name: "PodSchema",
    schema: PodSchema,
    required: pod,
    optional: { client_id: "c-1" },
    nullable: true,
    refused: [
      ["pod_id", ""],
      ["pod_id", 7],
      ["name", 7],
      ["created_at", ""],
      ["updated_at", ""],
      ["client_id", 7],
    ],
  },
  {
    name: "PodListSchema",
    schema: PodListSchema,
    required: { count: 1, pods: [pod] },
    optional: { limit: 10, next_page_token: "t" },
    nullable: true,
    refused: [
      ["count", -1],
      ["count", 1.5],
      ["count", "1"],
      ["pods", [{ ...pod, pod_id: "" }]],
      ["pods", {}],
      ["limit", 2.5],
      ["next_page_token", 3],
    ],
  },
  {
    name: "BearerKeySchema",
    schema: BearerKeySchema,
    required: bearer,
    optional: {
      updated_at: T,
      pod_id: "pod_1",
      inbox_id: "inbox_1",
      used_at: T,
      permissions: { message_send: true },
      expires_at: T,
    },
    nullable: true,
    refused: [
      ["type", "public_key"],
      ["api_key_id", ""],
      ["prefix", 1],
      ["name", null],
      ["created_at", ""],
      ["permissions", [true]],
      ["expires_at", ""],
    ],
  },
  {
    name: "ApiKeyListSchema",
    schema: ApiKeyListSchema,
    required: { count: 1, api_keys: [bearer] },
    optional: { next_page_token: "t" },
    nullable: true,
    refused: [
      ["count", -1],
      ["api_keys", [{ api_key_id: "ak_no_type" }]],
      ["api_keys", [{ type: 1 }]],
      ["next_page_token", 1],
    ],
  },
  {
    name: "CreatedKeySchema",
    schema: CreatedKeySchema,
    required: { api_key_id: "ak_1", api_key: "am_us_secret", prefix: "am_us_se", name: "bot", created_at: T },
    optional: { pod_id: "pod_1", inbox_id: "inbox_1", permissions: { message_send: true }, expires_at: T },
    nullable: true,
    refused: [
      ["api_key", ""],
      ["api_key", 1],
      ["api_key_id", ""],
      ["prefix", null],
      ["created_at", ""],
      ["permissions", "all"],
    ],
  },
  {
    name: "IdentitySchema",
    schema: IdentitySchema,
    required: { scope_type: "pod", scope_id: "pod_1", organization_id: "org_1" },
    optional: { pod_id: "pod_1", inbox_id: "inbox_1", api_key_id: "ak_1" },
    nullable: true,
    refused: [
      ["scope_type", "team"],
      ["scope_id", 1],
      ["organization_id", null],
    ],
  },
  {
    name: "ErrorBodySchema",
    schema: ErrorBodySchema,
    required: {},
    optional: {
      name: "ForbiddenError",
      message: "Forbidden",
      code: "missing_permission",
      fix: "Grant it",
      docs: "https://docs.agentmail.to/errors#missing_permission",
      errors: [{ path: ["name"], message: "too long" }],
    },
    // The transport falls back to the raw text when an error body does not fit, so strict is safe here.
    nullable: false,
    refused: [
      ["message", 403],
      ["code", 1],
      ["errors", "bad"],
      ["errors", [{ message: 1 }]],
    ],
  },
];

const without = (o: Record<string, unknown>, k: string) =>
  Object.fromEntries(Object.entries(o).filter(([f]) => f !== k));

describe("wire schemas (unit)", () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const full = { ...c.required, ...c.optional };

      it("the case names every field of the schema, each once", () => {
        const named = [...Object.keys(c.required), ...Object.keys(c.optional)].sort();
        assert.deepEqual(named, Object.keys(c.schema.shape).sort());
      });

      it("accepts the smallest valid answer and the fullest", () => {
        assert.deepEqual(c.schema.parse(c.required), c.required);
        assert.ok(c.schema.safeParse(full).success);
      });

      for (const field of Object.keys(c.required)) {
        it(`refuses an answer without ${field}, or with ${field}: null`, () => {
          const missing = c.schema.safeParse(without(full, field));
          assert.equal(missing.success, false, `${field} absent was accepted`);
          assert.deepEqual(missing.error?.issues[0]?.path, [field]);
          assert.equal(c.schema.safeParse({ ...full, [field]: null }).success, false, `${field}: null was accepted`);
        });
      }

      for (const field of Object.keys(c.optional)) {
        it(`tolerates ${field} absent${c.nullable ? " or null" : ""}`, () => {
          assert.ok(c.schema.safeParse(without(full, field)).success, `${field} absent was refused`);
          assert.equal(c.schema.safeParse({ ...full, [field]: null }).success, c.nullable, `${field}: null`);
        });
      }

      it("tolerates an unknown field and drops it", () => {
        const parsed = c.schema.parse({ ...full, added_by_a_newer_api: { x: 1 } });
        assert.equal("added_by_a_newer_api" in parsed, false);
      });

      for (const [field, value] of c.refused) {
        it(`refuses ${field}: ${JSON.stringify(value)}`, () => {
          const r = c.schema.safeParse({ ...full, [field]: value });
          assert.equal(r.success, false, `${field}: ${JSON.stringify(value)} was accepted`);
          assert.equal(r.error?.issues[0]?.path[0], field);
        });
      }
    });
  }

  it("a list keeps every entry whole, of any type, for the client to validate or skip", () => {
    const publicKey = { type: "public_key", api_key_id: "pk_1", status: "pending" };
    const parsed = ApiKeyListSchema.parse({ count: 2, api_keys: [publicKey, { ...bearer, future: 1 }] });
    assert.deepEqual(parsed.api_keys, [publicKey, { ...bearer, future: 1 }]);
  });

  it("permissions keep booleans only: a null or an object for one permission is dropped, not fatal", () => {
    const created = CreatedKeySchema.parse({
      api_key_id: "ak_1",
      api_key: "am_us_secret",
      prefix: "am_us_se",
      name: "bot",
      created_at: T,
      permissions: { message_send: true, message_read: false, inbox_read: null, calendar_read: { scope: "x" } },
    });
    assert.deepEqual(created.permissions, { message_send: true, message_read: false });
  });

  it("an error body: the gateway's bare {message}, and validation errors with extra fields, are read", () => {
    assert.deepEqual(ErrorBodySchema.parse({ message: "Forbidden" }), { message: "Forbidden" });
    const v = ErrorBodySchema.parse({
      name: "ValidationError",
      errors: [{ path: ["a"], message: "m", expected: "x" }],
    });
    assert.deepEqual(v.errors, [{ path: ["a"], message: "m", expected: "x" }]);
  });
});
