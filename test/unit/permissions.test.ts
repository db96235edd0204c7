import assert from "node:assert/strict";
import {
  PERMISSIONS,
  PERMISSION_NAMES,
  grantFromWire,
  grantOf,
  grantToObject,
  grantShortfall,
  grantToWire,
  sameGrant,
  toCamel,
  toSnake,
} from "../../provider/agentmail/permissions";
import { LEGACY_PERMISSION_NAMES, PERMISSION_NAMES as SERVICE_NAMES } from "../../emulator";
import { LEGACY_PERMISSIONS } from "../../provider/agentmail/permissions";

describe("permissions (unit)", () => {
  it("knows the 47 names of the newest API description, each mapping camelCase <-> snake_case both ways", () => {
    assert.equal(PERMISSION_NAMES.length, 47);
    assert.equal(new Set(PERMISSIONS).size, 47);
    for (const wire of PERMISSION_NAMES) assert.equal(toSnake(toCamel(wire)), wire);
    assert.equal(toCamel("label_unauthenticated_read"), "labelUnauthenticatedRead");
    assert.equal(toCamel("calendar_event_delete"), "calendarEventDelete");
  });

  it("knows exactly the names the service (the emulator) knows, and rejects each legacy name with advice", () => {
    assert.deepEqual([...PERMISSION_NAMES].sort(), [...SERVICE_NAMES].sort());
    assert.deepEqual(Object.keys(LEGACY_PERMISSIONS).map(toSnake).sort(), [...LEGACY_PERMISSION_NAMES].sort());
  });

  it("compares grants by meaning: false and absent are the same; omitted (all) and {} (nothing) differ", () => {
    assert.ok(sameGrant(grantOf({ messageSend: true }), grantOf({ messageSend: true, inboxRead: false })));
    assert.ok(
      sameGrant(grantOf({ inboxRead: true, messageSend: true }), grantOf({ messageSend: true, inboxRead: true })),
    );
    assert.ok(!sameGrant(grantOf(undefined), grantOf({})));
    assert.ok(sameGrant(grantOf(undefined), "all"));
    assert.ok(!sameGrant(grantOf({ messageSend: true }), grantOf({ messageRead: true })));
    assert.ok(sameGrant(grantOf({}), grantOf({ messageSend: false })));
  });

  it("compares a grant of every permission as full access, however the API shows it, but sends a list as a list", () => {
    const everything = Object.fromEntries(PERMISSION_NAMES.map((w) => [w, true]));
    assert.ok(sameGrant(grantFromWire(everything), "all"));
    assert.ok(sameGrant("all", grantOf(Object.fromEntries(PERMISSIONS.map((p) => [p, true])))));
    assert.ok(!sameGrant(grantFromWire({ ...everything, message_send: false }), "all"));
    assert.deepEqual(grantFromWire({}), [], "an empty object is nothing, not everything");
    // An explicit list of all of today's names must not become "omitted": that would also grant names added later.
    const explicit = grantToWire(grantOf(Object.fromEntries(PERMISSIONS.map((p) => [p, true]))));
    assert.equal(Object.keys(explicit ?? {}).length, PERMISSIONS.length);
  });

  it("sends only granted names, snake_case, and nothing at all for full access", () => {
    assert.deepEqual(grantToWire(grantOf({ messageSend: true, inboxRead: false, draftCreate: true })), {
      draft_create: true,
      message_send: true,
    });
    assert.equal(grantToWire("all"), undefined);
    assert.deepEqual(grantToWire(grantOf({})), {});
  });

  it("reads a wire grant, ignoring unknown and false names as the service does", () => {
    assert.deepEqual(grantFromWire({ message_send: true, inbox_read: false, made_up: true }), ["messageSend"]);
    assert.equal(grantFromWire(undefined), "all");
    assert.deepEqual(grantToObject(["messageSend"]), { messageSend: true });
    assert.equal(grantToObject("all"), undefined);
  });

  it("grantShortfall: names asked but not granted and granted but not asked, by wire name; nothing to compare for full access", () => {
    const asked = { message_send: true, message_reply: true, inbox_read: false };
    assert.deepEqual(grantShortfall(asked, { message_send: true }), { missing: ["messageReply"], extra: [] });
    assert.deepEqual(grantShortfall(asked, { message_send: true, message_reply: true, inbox_read: false }), {
      missing: [],
      extra: [],
    });
    assert.deepEqual(grantShortfall({ message_send: true }, { message_send: true, inbox_read: true }), {
      missing: [],
      extra: ["inboxRead"],
    });
    assert.deepEqual(
      grantShortfall(undefined, { message_send: true }),
      { missing: [], extra: [] },
      "full access asked",
    );
    assert.deepEqual(grantShortfall(asked, undefined), { missing: [], extra: [] }, "an answer without permissions");
    assert.deepEqual(grantShortfall({}, {}), { missing: [], extra: [] });
  });
});
