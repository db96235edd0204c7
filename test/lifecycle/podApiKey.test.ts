/**
 * Level 2: the PodApiKey lifecycle functions against the emulator over real HTTP.
 */
import assert from "node:assert/strict";
import { request } from "undici";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { AgentMailError } from "../../provider/agentmail/errors";
import { PERMISSION_NAMES } from "../../provider/agentmail/permissions";
import { startBench, rejection, type Bench } from "./setup";

type Props = Record<string, unknown>;

describe("PodApiKey lifecycle against the emulator (level 2)", () => {
  let bench: Bench;
  let podId: string;
  const secrets: string[] = [];

  before(async () => {
    bench = await startBench({ defaultPageLimit: 20 });
    secrets.push(bench.emu.orgApiKey);
  });
  after(() => bench.close());
  beforeEach(() => {
    podId = bench.emu.store.createPod({ name: `pod-${Math.random()}` }).pod_id;
    bench.emu.log.clear();
    bench.emu.faults.clear();
  });

  async function createKey(inputs: Props = {}): Promise<{ id: string; outs: Props }> {
    const checked = await lifecycle.check({}, { podId, autoNamePrefix: "agent", __provider: "shim", ...inputs });
    assert.deepEqual(checked.failures, []);
    const created = await lifecycle.create(bench.ctx(), checked.inputs);
    secrets.push(created.outs["apiKey"] as string);
    return created;
  }

  describe("create", () => {
    it("makes exactly one POST and one rename, and returns the key as the apiKey output", async () => {
      const { id, outs } = await createKey({ permissions: { messageSend: true, inboxRead: false } });
      assert.deepEqual(
        bench.emu.log.entries().map((e) => `${e.method} ${e.path}`),
        [`POST /v0/pods/${podId}/api-keys`, `PATCH /v0/pods/${podId}/api-keys/${id}`],
      );
      const stored = bench.emu.store.apiKeys(podId);
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.api_key_id, id);
      assert.equal(stored[0]!.name, outs["name"], "the key carries the user's name, not its one-off claim name");
      assert.deepEqual(stored[0]!.permissions, { message_send: true });
      assert.equal(outs["apiKeyId"], id);
      assert.match(outs["apiKey"] as string, /^am_us_/);
      assert.equal(outs["prefix"], stored[0]!.prefix);
      assert.equal(outs["podId"], podId);
      assert.match(outs["name"] as string, /^agent-[0-9a-f]{7}$/);
      assert.equal(stored[0]!.name, outs["name"]);
      assert.deepEqual(outs["permissions"], { messageSend: true });
      assert.equal(outs["__provider"], "shim", "outputs keep __provider for the host");
      assert.ok(!Object.values(outs).includes(undefined), "no undefined output (the host cannot encode it)");
    });

    it("omits permissions for full access and sends {} as nothing", async () => {
      await createKey({ name: "full" });
      await createKey({ name: "none", permissions: {} });
      const byName = Object.fromEntries(bench.emu.store.apiKeys(podId).map((k) => [k.name, k]));
      assert.equal(byName["full"]!.permissions, undefined);
      assert.deepEqual(byName["none"]!.permissions, {});
    });

    it("creates a key that works as a pod-scoped credential with only its permissions", async () => {
      const { outs } = await createKey({ permissions: { apiKeyRead: true } });
      const me = await request(`${bench.emu.url}/v0/auth/me`, {
        headers: { authorization: `Bearer ${outs["apiKey"] as string}` },
        dispatcher: bench.agent,
      });
      const body = (await me.body.json()) as { scope_type: string; pod_id: string };
      assert.equal(body.scope_type, "pod");
      assert.equal(body.pod_id, podId);
      const denied = await rejection(lifecycle.create(bench.ctx(outs["apiKey"] as string), { podId, name: "child" }));
      assert.match(denied.message, /answered 403 missing_permission/);
      assert.match(denied.message, /This request needs the api_key_create permission\./);
      assert.match(denied.message, /Credential used: test credential \(am_us_/);
      assert.ok(!denied.message.includes(outs["apiKey"] as string));
    });

    it("passes expiresAt and keeps it in outputs", async () => {
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const { outs } = await createKey({ expiresAt });
      assert.equal(outs["expiresAt"], expiresAt);
      assert.equal(Date.parse(bench.emu.store.apiKeys(podId)[0]!.expires_at!), Date.parse(expiresAt));
    });

    it("sends a looser ISO-8601 expiresAt (no seconds, an offset) in the strict form, keeping the user's spelling", async () => {
      const year = new Date().getUTCFullYear() + 1;
      const expiresAt = `${year}-06-01T12:00+02:00`;
      const { outs } = await createKey({ expiresAt });
      assert.equal(outs["expiresAt"], expiresAt, "no diff on the next run");
      assert.equal(bench.emu.store.apiKeys(podId)[0]!.expires_at, `${year}-06-01T10:00:00.000Z`);
    });
  });

  describe("API errors, each a clear message without the credential", () => {
    it("401 for an unknown key names the credential by source and hint, and is not retried", async () => {
      const bogus = "am_us_ffffffffffffffffffffffffffffffffffffffff";
      const e = await rejection(lifecycle.create(bench.ctx(bogus), { podId, name: "x" }));
      assert.match(e.message, /POST \/v0\/pods\/.+\/api-keys answered 401 unknown_api_key/);
      assert.match(e.message, /Credential used: test credential \(am_us_ffff…\)/);
      assert.ok(!e.message.includes(bogus));
      assert.equal(bench.emu.log.count(), 1, "401 is not retried");
    });

    it("403 permission_escalation when a pod key would grant more than it holds", async () => {
      const { outs } = await createKey({ permissions: { apiKeyCreate: true } });
      bench.emu.log.clear();
      const e = await rejection(
        lifecycle.create(bench.ctx(outs["apiKey"] as string), {
          podId,
          name: "wider",
          permissions: { messageSend: true },
        }),
      );
      assert.match(e.message, /answered 403 permission_escalation/);
      assert.equal(bench.emu.store.apiKeys(podId).length, 1);
    });

    it("404 for a missing pod", async () => {
      const e = await rejection(lifecycle.create(bench.ctx(), { podId: "pod_missing", name: "x" }));
      assert.match(e.message, /POST \/v0\/pods\/pod_missing\/api-keys answered 404 not_found/);
    });

    it("400 names the field the API rejected", async () => {
      // check() and create() refuse what this API is known to reject; the API's own answer is still readable.
      bench.emu.faults.add({
        method: "POST",
        path: "/v0/pods/*/api-keys",
        status: 400,
        body: {
          name: "ValidationError",
          code: "validation_error",
          errors: [{ path: ["expires_at"], message: "must be in the future" }],
        },
        times: 1,
      });
      const e = await rejection(lifecycle.create(bench.ctx(), { podId, name: "x" }));
      assert.match(e.message, /answered 400 validation_error/);
      assert.match(e.message, /expires_at/);
    });

    it("a past expiresAt (kept from an old run) stops a replacement before any request", async () => {
      const e = await rejection(lifecycle.create(bench.ctx(), { podId, name: "x", expiresAt: "2001-01-01T00:00:00Z" }));
      assert.match(e.message, /expiresAt \(2001-01-01T00:00:00Z\) is in the past/);
      assert.match(e.message, /set expiresAt to a future date-time/);
      assert.equal(bench.emu.log.count(), 0);
    });

    it("a 2xx with an unexpected body is a clear error, not undefined", async () => {
      bench.emu.faults.add({
        method: "GET",
        path: "/v0/pods/*/api-keys",
        status: 200,
        body: { api_keys: "nope" },
        times: 1,
      });
      const e = await rejection(lifecycle.read(bench.ctx(), "key_x", { podId }));
      assert.ok(AgentMailError.isInstance(e));
      assert.match(e.message, /GET \/v0\/pods\/.+\/api-keys answered 200 with an unexpected body: count: .*api_keys: /);
    });
  });

  describe("read (refresh)", () => {
    it("finds the key across pages, skipping public keys and empty pages, and keeps apiKey", async () => {
      bench.emu.settings.emptyPages = true;
      try {
        const { id, outs } = await createKey({ permissions: { messageRead: true } });
        for (let i = 0; i < 45; i++) bench.emu.store.createApiKey(podId, { name: `filler-${i}` });
        bench.emu.store.addPublicKey(podId);
        bench.emu.log.clear();
        const read = await lifecycle.read(bench.ctx(), id, outs);
        assert.equal(read.id, id);
        assert.equal(read.props["apiKey"], outs["apiKey"]);
        assert.deepEqual(read.props, outs, "a refresh of an unchanged key changes nothing");
        assert.ok(bench.emu.log.count({ method: "GET" }) >= 3, "walked several pages");
      } finally {
        bench.emu.settings.emptyPages = false;
      }
    });

    /** The pod's key list as the emulator answers it now, for a fault to answer an altered copy. */
    async function liveList(): Promise<{ count: number; api_keys: Props[] }> {
      const res = await request(`${bench.emu.url}/v0/pods/${podId}/api-keys`, {
        headers: { authorization: `Bearer ${bench.emu.orgApiKey}` },
        dispatcher: bench.agent,
      });
      return (await res.body.json()) as { count: number; api_keys: Props[] };
    }

    it("finds a key whose permissions hold a value it does not know (null, from a newer API)", async () => {
      const { id, outs } = await createKey({ permissions: { messageRead: true } });
      const list = await liveList();
      const entry = list.api_keys.find((k) => k["api_key_id"] === id)!;
      entry["permissions"] = { ...(entry["permissions"] as Props), some_new_permission: null, other_new: { x: 1 } };
      bench.emu.faults.add({ method: "GET", path: "/v0/pods/*/api-keys", status: 200, body: list, times: 1 });
      const read = await lifecycle.read(bench.ctx(), id, outs);
      assert.equal(read.id, id, "the live key is not reported gone");
      assert.deepEqual(read.props, outs, "only true values grant: nothing changed");
    });

    it("a bearer entry that does not match the documented shape is a clear error, never 'gone'", async () => {
      const { id, outs } = await createKey();
      const list = await liveList();
      list.api_keys.push({ type: "public_key", whatever: 1 });
      const entry = list.api_keys.find((k) => k["api_key_id"] === id)!;
      delete entry["api_key_id"];
      bench.emu.faults.add({ method: "GET", path: "/v0/pods/*/api-keys", status: 200, body: list, times: 1 });
      const e = await rejection(lifecycle.read(bench.ctx(), id, outs));
      assert.ok(AgentMailError.isInstance(e));
      assert.equal(e.code, "AGENTMAIL_UNEXPECTED_RESPONSE");
      assert.equal(e.name, "AgentMailResponseError");
      assert.match(
        e.message,
        /GET \/v0\/pods\/.+\/api-keys answered 200 with an unexpected body: a bearer key that does not match the documented ApiKey \(api_keys\.0\.api_key_id: /,
      );
      assert.match(e.message, /upgrade pulumi-agentmail/);
      assert.ok(!e.message.includes(outs["apiKey"] as string));
    });

    it("returns an empty id when the key was revoked out of band, or its pod deleted", async () => {
      const { id, outs } = await createKey();
      bench.emu.store.revokeApiKey(podId, id);
      assert.equal((await lifecycle.read(bench.ctx(), id, outs)).id, "");
      const other = await createKey();
      bench.emu.store.deletePod(podId);
      assert.equal((await lifecycle.read(bench.ctx(), other.id, other.outs)).id, "");
    });

    it("reports permissions changed out of band, so the next up replaces the key", async () => {
      const { id, outs } = await createKey({ permissions: { messageRead: true } });
      await request(`${bench.emu.url}/v0/pods/${podId}/api-keys/${id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${bench.emu.orgApiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ permissions: { message_read: true, message_send: true } }),
        dispatcher: bench.agent,
      }).then((r) => r.body.dump());
      const read = await lifecycle.read(bench.ctx(), id, outs);
      assert.deepEqual(read.props["permissions"], { messageRead: true, messageSend: true });
      const d = await lifecycle.diff(id, read.props, { podId, name: outs["name"], permissions: { messageRead: true } });
      assert.deepEqual(d.replaces, ["permissions"]);
    });

    it("reports a key widened to full access out of band (no stale grant kept)", async () => {
      const { id, outs } = await createKey({ permissions: { messageRead: true } });
      const everything = Object.fromEntries(PERMISSION_NAMES.map((p) => [p, true]));
      await request(`${bench.emu.url}/v0/pods/${podId}/api-keys/${id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${bench.emu.orgApiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ permissions: everything }),
        dispatcher: bench.agent,
      }).then((r) => r.body.dump());
      const read = await lifecycle.read(bench.ctx(), id, outs);
      assert.equal(read.props["permissions"], undefined, "full access");
      const d = await lifecycle.diff(id, read.props, { podId, name: outs["name"], permissions: { messageRead: true } });
      assert.deepEqual(d.replaces, ["permissions"]);
    });

    it("does not mistake a credential of another pod for a deleted pod", async () => {
      const { id, outs } = await createKey();
      const otherPod = bench.emu.store.createPod({ name: "elsewhere" }).pod_id;
      const foreign = bench.emu.store.createApiKey(otherPod, { name: "foreign" });
      secrets.push(foreign.api_key);
      const e = await rejection(lifecycle.read(bench.ctx(foreign.api_key), id, outs));
      assert.match(e.message, /answered 404 .* cannot see that pod, so this may not mean it is gone/);
      assert.ok(!e.message.includes(foreign.api_key));
      assert.equal(bench.emu.store.apiKeys(podId).length, 1);
    });
  });

  describe("a 404 through another address", () => {
    it("is not taken for gone: the key was created elsewhere", async () => {
      const { id, outs } = await createKey();
      const other = await startBench();
      try {
        const e = await rejection(lifecycle.read(other.ctx(), id, outs));
        assert.match(e.message, /answered 404 for key .*, which was created through http:\/\/127\.0\.0\.1:\d+/);
        assert.match(e.message, /Nothing was dropped from the state/);
        const d = await rejection(lifecycle.remove(other.ctx(), id, outs));
        assert.match(d.message, /AGENTMAIL_BASE_URL/);
      } finally {
        await other.close();
      }
      assert.equal(bench.emu.store.apiKeys(podId).length, 1);
    });

    it("a revoked key is gone even when the credential cannot see its pod (the key vouches for itself)", async () => {
      const { id, outs } = await createKey();
      const otherPod = bench.emu.store.createPod({ name: "elsewhere" }).pod_id;
      const foreign = bench.emu.store.createApiKey(otherPod, { name: "foreign" });
      secrets.push(foreign.api_key);
      bench.emu.store.revokeApiKey(podId, id);
      assert.equal((await lifecycle.read(bench.ctx(foreign.api_key), id, outs)).id, "");
    });
  });

  describe("update and delete", () => {
    it("update keeps every output, the secret included", async () => {
      const { id, outs } = await createKey({ permissions: { messageRead: true } });
      const { outs: after } = await lifecycle.update(id, outs, {
        podId,
        name: outs["name"],
        permissions: { messageRead: true, messageSend: false },
      });
      for (const k of ["apiKey", "apiKeyId", "prefix", "createdAt", "podId", "name"])
        assert.equal(after[k], outs[k], k);
    });

    it("delete revokes; a second delete (404) is success", async () => {
      const { id, outs } = await createKey();
      await lifecycle.remove(bench.ctx(), id, outs);
      assert.equal(bench.emu.store.apiKeys(podId).length, 0);
      await lifecycle.remove(bench.ctx(), id, outs);
      const revoked = await request(`${bench.emu.url}/v0/auth/me`, {
        headers: { authorization: `Bearer ${outs["apiKey"] as string}` },
        dispatcher: bench.agent,
      });
      assert.equal(revoked.statusCode, 401, "the revoked key no longer works");
      await revoked.body.dump();
    });

    it("delete with a credential that cannot see the pod fails instead of forgetting the key", async () => {
      const { id, outs } = await createKey();
      const otherPod = bench.emu.store.createPod({ name: "elsewhere" }).pod_id;
      const foreign = bench.emu.store.createApiKey(otherPod, { name: "foreign" });
      secrets.push(foreign.api_key);
      const e = await rejection(lifecycle.remove(bench.ctx(foreign.api_key), id, outs));
      assert.match(e.message, /cannot see that pod/);
      assert.equal(bench.emu.store.apiKeys(podId).length, 1, "the key is still live and still in state");
    });
  });

  after(() => {
    const log = JSON.stringify(bench.emu.log.entries());
    for (const s of secrets) assert.ok(!log.includes(s), "the emulator's log holds no key");
  });
});
