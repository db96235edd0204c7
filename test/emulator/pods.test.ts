import assert from "node:assert/strict";
import { startEmulator } from "../../emulator";
import { assertError, assertValidation, Client, defaultPodId, ISO, useEmulator } from "./helpers";

describe("emulator: pods", () => {
  const ctx = useEmulator();
  beforeEach(() => {
    ctx.emu.store.reset();
    ctx.emu.faults.clear();
    ctx.emu.settings.emptyPages = false;
    ctx.emu.settings.limits = {};
  });

  it("lists the Default Pod every organization has", async () => {
    const res = await ctx.api.call("GET", "/v0/pods");
    assert.equal(res.status, 200);
    assert.equal(res.json.count, 1);
    assert.equal(res.json.limit, 20);
    assert.equal(res.json.next_page_token, undefined);
    assert.equal(res.json.pods.length, 1);
    const pod = res.json.pods[0];
    assert.equal(pod.name, "Default Pod");
    assert.match(pod.created_at, ISO);
    assert.match(pod.updated_at, ISO);
    assert.deepEqual(Object.keys(pod).sort(), ["created_at", "name", "pod_id", "updated_at"]);
  });

  it("gets a pod, and answers 404 not_found for an unknown one", async () => {
    const id = defaultPodId(ctx.emu);
    const res = await ctx.api.call("GET", `/v0/pods/${id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, ctx.emu.store.pod(id));
    assertError(await ctx.api.call("GET", "/v0/pods/no-such-pod"), 404, "not_found");
  });

  it("creates a pod (200 Pod) that the store then holds", async () => {
    const res = await ctx.api.call("POST", "/v0/pods", { body: { name: "support" } });
    assert.equal(res.status, 200);
    assert.equal(res.json.name, "support");
    assert.match(res.json.created_at, ISO);
    assert.equal(res.json.client_id, undefined);
    assert.deepEqual(ctx.emu.store.pod(res.json.pod_id), res.json);
    assert.equal(ctx.emu.store.pods().length, 2);
  });

  it("creates a pod from an empty body, named after its id (inferred)", async () => {
    const res = await ctx.api.call("POST", "/v0/pods");
    assert.equal(res.status, 200);
    assert.equal(res.json.name, res.json.pod_id);
  });

  it("returns the original pod with 200 for a repeated client_id and creates nothing", async () => {
    const first = await ctx.api.call("POST", "/v0/pods", { body: { name: "a", client_id: "deploy-1.a_b~c" } });
    assert.equal(first.status, 200);
    assert.equal(first.json.client_id, "deploy-1.a_b~c");
    const again = await ctx.api.call("POST", "/v0/pods", { body: { name: "other name", client_id: "deploy-1.a_b~c" } });
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, first.json);
    assert.equal(ctx.emu.store.pods().length, 2);
    const other = await ctx.api.call("POST", "/v0/pods", { body: { name: "a", client_id: "deploy-2" } });
    assert.notEqual(other.json.pod_id, first.json.pod_id);
  });

  it("rejects bad Create Pod bodies with 400 naming the field", async () => {
    assertValidation(await ctx.api.call("POST", "/v0/pods", { body: { name: 5 } }), ["name"]);
    assertValidation(await ctx.api.call("POST", "/v0/pods", { body: { name: null } }), ["name"]);
    assertValidation(await ctx.api.call("POST", "/v0/pods", { body: { client_id: "has space" } }), ["client_id"]);
    assertValidation(await ctx.api.call("POST", "/v0/pods", { body: { client_id: "" } }), ["client_id"]);
    assertValidation(await ctx.api.call("POST", "/v0/pods", { body: { client_id: "x".repeat(257) } }), ["client_id"]);
    assertValidation(await ctx.api.call("POST", "/v0/pods", { body: { client_id: 42 } }), ["client_id"]);
    assertValidation(await ctx.api.call("POST", "/v0/pods", { rawBody: "{not json" }), []);
    assertValidation(await ctx.api.call("POST", "/v0/pods", { rawBody: "[1,2]" }), []);
    const both = await ctx.api.call("POST", "/v0/pods", { body: { name: 1, client_id: "a b" } });
    assert.equal(both.json.errors.length, 2, "every problem is reported at once");
    assert.equal(ctx.emu.store.pods().length, 1, "nothing was created");
    const ok = await ctx.api.call("POST", "/v0/pods", { body: { client_id: "x".repeat(256), unknown_field: 1 } });
    assert.equal(ok.status, 200, "256 characters and unknown fields are fine");
  });

  it("deletes a pod with 204 and no body; then 404", async () => {
    const pod = ctx.emu.store.createPod({ name: "doomed" });
    const res = await ctx.api.call("DELETE", `/v0/pods/${pod.pod_id}`);
    assert.equal(res.status, 204);
    assert.equal(res.text, "");
    assert.equal(ctx.emu.store.pod(pod.pod_id), undefined);
    assertError(await ctx.api.call("GET", `/v0/pods/${pod.pod_id}`), 404, "not_found");
    assertError(await ctx.api.call("DELETE", `/v0/pods/${pod.pod_id}`), 404, "not_found");
  });

  it("deleting a pod deletes its keys (inferred): their secrets stop working", async () => {
    const pod = ctx.emu.store.createPod({ name: "with-keys" });
    const key = ctx.emu.store.createApiKey(pod.pod_id);
    assert.equal((await ctx.api.call("GET", "/v0/auth/me", { key: key.api_key })).status, 200);
    assert.equal((await ctx.api.call("DELETE", `/v0/pods/${pod.pod_id}`)).status, 204);
    assert.deepEqual(ctx.emu.store.apiKeys(pod.pod_id), []);
    assertError(await ctx.api.call("GET", "/v0/auth/me", { key: key.api_key }), 401, "unknown_api_key");
  });

  it("refuses to delete a pod that holds inboxes: 409 cannot_delete", async () => {
    const pod = ctx.emu.store.createPod({ name: "busy" });
    ctx.emu.store.addInbox(pod.pod_id);
    assertError(await ctx.api.call("DELETE", `/v0/pods/${pod.pod_id}`), 409, "cannot_delete");
    assert.ok(ctx.emu.store.pod(pod.pod_id));
    ctx.emu.store.removeInboxes(pod.pod_id);
    assert.equal((await ctx.api.call("DELETE", `/v0/pods/${pod.pod_id}`)).status, 204);
  });

  it("lists a pod's inboxes newest first, a page at a time, for a credential with inbox_read", async () => {
    const pod = ctx.emu.store.createPod({ name: "with inboxes" });
    const path = `/v0/pods/${pod.pod_id}/inboxes`;
    const empty = await ctx.api.call("GET", path);
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, { count: 0, limit: 20, inboxes: [] });
    const [older, newer] = [ctx.emu.store.addInbox(pod.pod_id), ctx.emu.store.addInbox(pod.pod_id)];
    assert.equal(older.inbox_id, older.email);
    assert.match(older.email, /^inbox-[0-9a-f]{12}@agentmail\.to$/);
    assert.match(older.created_at, ISO);
    const first = await ctx.api.call("GET", path, { query: { limit: 1 } });
    assert.equal(first.json.count, 1);
    assert.deepEqual(first.json.inboxes, [newer]);
    assert.equal(typeof first.json.next_page_token, "string");
    const second = await ctx.api.call("GET", path, { query: { limit: 1, page_token: first.json.next_page_token } });
    assert.deepEqual(second.json.inboxes, [older]);
    assert.equal(second.json.next_page_token, undefined);
    assert.deepEqual((await ctx.api.call("GET", path, { query: { ascending: true } })).json.inboxes, [older, newer]);
    assertError(await ctx.api.call("GET", "/v0/pods/no-such-pod/inboxes"), 404, "not_found");
    const blind = ctx.emu.store.createApiKey(pod.pod_id, { permissions: { pod_read: true } }).api_key;
    assertError(await ctx.api.call("GET", path, { key: blind }), 403, "missing_permission");
    ctx.emu.store.removeInboxes(pod.pod_id);
    assert.deepEqual((await ctx.api.call("GET", path)).json.inboxes, []);
  });

  it("answers 403 limit_exceeded beyond a pod quota, but still honours a repeated client_id", async () => {
    ctx.emu.settings.limits = { pods: 2 };
    const made = await ctx.api.call("POST", "/v0/pods", { body: { client_id: "only" } });
    assert.equal(made.status, 200);
    assertError(await ctx.api.call("POST", "/v0/pods", { body: { name: "too many" } }), 403, "limit_exceeded");
    assert.equal(
      (await ctx.api.call("POST", "/v0/pods", { body: { client_id: "only" } })).json.pod_id,
      made.json.pod_id,
    );
  });

  describe("pagination", () => {
    async function collect(
      query: Record<string, string | number | boolean>,
    ): Promise<{ ids: string[]; pages: number[] }> {
      const ids: string[] = [];
      const pages: number[] = [];
      let token: string | undefined;
      for (let i = 0; i < 50; i++) {
        const res = await ctx.api.call("GET", "/v0/pods", {
          query: { ...query, ...(token ? { page_token: token } : {}) },
        });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.count, res.json.pods.length);
        ids.push(...res.json.pods.map((p: { pod_id: string }) => p.pod_id));
        pages.push(res.json.count);
        token = res.json.next_page_token;
        if (token === undefined) return { ids, pages };
        assert.equal(typeof token, "string");
      }
      throw new Error("too many pages");
    }

    function seed(n: number): string[] {
      const ids = [defaultPodId(ctx.emu)];
      for (let i = 0; i < n; i++) ids.push(ctx.emu.store.createPod({ name: `p${i}` }).pod_id);
      return ids; // oldest first
    }

    it("pages newest first with limit, the last page without a token", async () => {
      const oldestFirst = seed(7);
      const { ids, pages } = await collect({ limit: 3 });
      assert.deepEqual(pages, [3, 3, 2]);
      assert.deepEqual(ids, [...oldestFirst].reverse());
      const first = await ctx.api.call("GET", "/v0/pods", { query: { limit: 3 } });
      assert.equal(first.json.limit, 3);
    });

    it("pages oldest first with ascending=true", async () => {
      const oldestFirst = seed(5);
      const { ids, pages } = await collect({ limit: 4, ascending: true });
      assert.deepEqual(pages, [4, 2]);
      assert.deepEqual(ids, oldestFirst);
      assert.deepEqual((await collect({ ascending: false })).ids, [...oldestFirst].reverse());
    });

    it("uses the default page size (20) when limit is absent", async () => {
      seed(24);
      assert.deepEqual((await collect({})).pages, [20, 5]);
    });

    it("skips nothing when items are deleted between pages", async () => {
      const oldestFirst = seed(5); // 6 pods
      const first = await ctx.api.call("GET", "/v0/pods", { query: { limit: 2 } });
      // delete the last item served: the cursor must still point after it
      ctx.emu.store.deletePod(first.json.pods[1].pod_id);
      const second = await ctx.api.call("GET", "/v0/pods", {
        query: { limit: 2, page_token: first.json.next_page_token },
      });
      assert.deepEqual(
        second.json.pods.map((p: { pod_id: string }) => p.pod_id),
        [oldestFirst[3], oldestFirst[2]],
      );
    });

    it("rejects invalid, tampered and foreign page tokens with 400 validation_error", async () => {
      seed(4);
      const first = await ctx.api.call("GET", "/v0/pods", { query: { limit: 2 } });
      const token: string = first.json.next_page_token;
      assertValidation(await ctx.api.call("GET", "/v0/pods", { query: { page_token: "garbage" } }), ["page_token"]);
      assertValidation(await ctx.api.call("GET", "/v0/pods", { query: { page_token: "" } }), ["page_token"]);
      const flipped = token.slice(0, 3) + (token[3] === "A" ? "B" : "A") + token.slice(4);
      assertValidation(await ctx.api.call("GET", "/v0/pods", { query: { page_token: flipped } }), ["page_token"]);
      // a descending list's token is not valid for the ascending list
      assertValidation(await ctx.api.call("GET", "/v0/pods", { query: { page_token: token, ascending: true } }), [
        "page_token",
      ]);
      // a token of another emulator is not valid either
      const other = await startEmulator();
      try {
        other.store.createPod();
        other.store.createPod();
        const res = await new Client(other, ctx.agent).call("GET", "/v0/pods", { query: { limit: 1 } });
        assertValidation(await ctx.api.call("GET", "/v0/pods", { query: { page_token: res.json.next_page_token } }), [
          "page_token",
        ]);
      } finally {
        await other.stop();
      }
    });

    it("rejects a bad limit or ascending with 400 naming the parameter", async () => {
      for (const limit of ["0", "101", "-1", "abc", "2.5", ""]) {
        assertValidation(await ctx.api.call("GET", "/v0/pods", { query: { limit } }), ["limit"]);
      }
      assert.equal((await ctx.api.call("GET", "/v0/pods", { query: { limit: 100 } })).status, 200);
      assertValidation(await ctx.api.call("GET", "/v0/pods", { query: { ascending: "yes" } }), ["ascending"]);
    });

    it("can insert empty pages that still carry a token (emptyPages)", async () => {
      const oldestFirst = seed(4);
      ctx.emu.settings.emptyPages = true;
      const { ids, pages } = await collect({ limit: 2 });
      assert.deepEqual(pages, [0, 2, 0, 2, 0, 1]);
      assert.deepEqual(ids, [...oldestFirst].reverse());
    });
  });
});
