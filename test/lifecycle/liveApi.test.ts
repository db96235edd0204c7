/**
 * Level 2, issue 16: the behaviours of the live service that the corrected reference added, as the
 * lifecycle meets them against an emulator that has them: a grant that comes back smaller than asked (the
 * service strips names it does not know), and a key that inherits its creator's expiry (or is refused one
 * beyond it). Keys left and requests are counted at the emulator.
 */
import assert from "node:assert/strict";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { AgentMailError } from "../../provider/agentmail/errors";
import { startBench, rejection, type Bench } from "./setup";

type Props = Record<string, unknown>;

describe("PodApiKey against the live API's corrected behaviours (level 2)", () => {
  // The organization key expires in 30 days, by the emulator's clock, which the tests move.
  let now = Date.parse("2026-12-01T00:00:00Z");
  const orgExpiry = "2026-12-31T00:00:00.000Z";
  let bench: Bench;
  let podId: string;

  before(async () => {
    bench = await startBench({ clock: () => now, orgApiKeyExpiresAt: orgExpiry });
  });
  after(() => bench.close());
  beforeEach(() => {
    now = Date.parse("2026-12-01T00:00:00Z");
    podId = bench.emu.store.createPod({ name: "live" }).pod_id;
    bench.emu.log.clear();
    bench.emu.faults.clear();
    bench.emu.settings.unknownPermissions = [];
  });

  const ctx = () => ({ ...bench.ctx(), now: () => now });
  const live = () => bench.emu.store.apiKeys(podId);
  const inputs = (extra: Props = {}): Props => ({ podId, name: "live-1234567", __provider: "shim", ...extra });

  describe("a grant smaller than asked", () => {
    it("a permission the service does not know: the key is revoked, the create fails naming it, nothing is left", async () => {
      bench.emu.settings.unknownPermissions = ["message_reply"];
      const e = await rejection(
        lifecycle.create(ctx(), inputs({ permissions: { messageSend: true, messageReply: true } })),
      );
      assert.ok(AgentMailError.isInstance(e));
      assert.match(e.message, /asked for but not granted: messageReply\./);
      assert.match(e.message, /silently drops permission names it does not know/);
      assert.match(e.message, /It was revoked, so no key was left behind/);
      assert.deepEqual(live(), []);
      assert.deepEqual(
        bench.emu.log.entries().map((x) => x.method),
        ["POST", "DELETE"],
        "no rename of a key that is not kept",
      );
    });

    it("every name known: the grant matches and nothing more is asked of the API", async () => {
      bench.emu.settings.unknownPermissions = ["message_reply"];
      const { outs } = await lifecycle.create(ctx(), inputs({ permissions: { messageSend: true } }));
      assert.deepEqual(outs["permissions"], { messageSend: true });
      assert.equal(live().length, 1);
      assert.equal(bench.emu.log.count(), 2);
    });

    it("full access asked: nothing to compare, whatever the service strips", async () => {
      bench.emu.settings.unknownPermissions = ["message_reply", "pod_update"];
      const { id } = await lifecycle.create(ctx(), inputs());
      assert.deepEqual(
        live().map((k) => k.api_key_id),
        [id],
      );
    });
  });

  describe("an expiry inherited from the creating credential", () => {
    it("a key created without expiresAt reports the expiry it inherited, and a refresh then diff is no change", async () => {
      const { id, outs } = await lifecycle.create(ctx(), inputs({ permissions: { messageSend: true } }));
      assert.equal(Date.parse(outs["expiresAt"] as string), Date.parse(orgExpiry), "expiresAt says when it stops");
      assert.equal(outs["expiresAtInherited"], true);
      const read = await lifecycle.read(ctx(), id, outs);
      assert.deepEqual(read.props, outs, "a refresh changes nothing");
      const d = await lifecycle.diff(id, read.props, inputs({ permissions: { messageSend: true } }), () => now);
      assert.deepEqual(d, { changes: false, replaces: [], deleteBeforeReplace: false }, "no replacement loop");
    });

    it("a state written before expiries were read back (none stored) gets the inherited one from a refresh, still no change", async () => {
      const { id, outs } = await lifecycle.create(ctx(), inputs());
      const { expiresAt: _e, expiresAtInherited: _i, ...old } = outs;
      const read = await lifecycle.read(ctx(), id, old);
      assert.equal(read.props["expiresAtInherited"], true);
      assert.equal((await lifecycle.diff(id, read.props, inputs(), () => now)).changes, false);
    });

    it("once the inherited expiry has passed, the next up replaces the key", async () => {
      const { id, outs } = await lifecycle.create(ctx(), inputs());
      now = Date.parse(orgExpiry) + 1;
      assert.deepEqual((await lifecycle.diff(id, outs, inputs(), () => now)).replaces, ["expiresAt"]);
    });

    it("a given expiresAt keeps the user's spelling and is compared as given", async () => {
      const given = "2026-12-20T01:00:00+01:00";
      const { id, outs } = await lifecycle.create(ctx(), inputs({ expiresAt: given }));
      assert.equal(outs["expiresAt"], given);
      assert.equal(outs["expiresAtInherited"], undefined);
      const read = await lifecycle.read(ctx(), id, outs);
      assert.equal(read.props["expiresAt"], given);
      assert.deepEqual((await lifecycle.diff(id, read.props, inputs(), () => now)).replaces, ["expiresAt"]);
    });

    it("an expiresAt beyond the credential's own: refused in words naming expiresAt and that expiry, nothing left", async () => {
      const e = await rejection(lifecycle.create(ctx(), inputs({ expiresAt: "2027-06-01T00:00:00Z" })));
      assert.match(e.message, /refused key "live-1234567" with expiresAt 2027-06-01T00:00:00Z/);
      assert.match(e.message, /cannot outlive the credential that creates it/);
      assert.ok(e.message.includes(orgExpiry), "names the credential's expiry, as AgentMail gave it");
      assert.deepEqual(live(), []);
      assert.equal(bench.emu.log.count({ method: "POST" }), 1);
    });
  });
});
