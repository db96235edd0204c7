import assert from "node:assert/strict";
import * as pod from "../../provider/lifecycle/pod";
import * as key from "../../provider/lifecycle/podApiKey";
import { DEFAULTS_KEY } from "../../provider/lifecycle/naming";

type Props = Record<string, unknown>;

/** Both resources' check, with the inputs each needs besides a name. */
const RESOURCES: Array<{ kind: string; check: typeof key.check; base: Props }> = [
  { kind: "PodApiKey", check: key.check, base: { podId: "pod_1" } },
  { kind: "Pod", check: pod.check, base: {} },
];

describe("auto-naming across renames (unit)", () => {
  for (const { kind, check, base } of RESOURCES) {
    describe(kind, () => {
      const as = (name: string, extra: Props = {}): Props => ({ ...base, autoNamePrefix: name, ...extra });

      it("records which inputs check defaulted: the name when it chose it, none when given", async () => {
        assert.deepEqual((await check({}, as("bot"))).inputs[DEFAULTS_KEY], ["name"]);
        assert.deepEqual((await check({}, as("bot", { name: "given" }))).inputs[DEFAULTS_KEY], []);
      });

      it("keeps an auto-name under a new resource name (aliases), and diff replaces nothing", async () => {
        const old = (await check({}, as("bot"))).inputs;
        const renamed = await check(old, as("support-bot"));
        assert.deepEqual(renamed.failures, []);
        assert.equal(renamed.inputs["name"], old["name"]);
        assert.equal(renamed.inputs["autoNamePrefix"], "support-bot");
        const outs = { ...old, apiKey: "am_us_x", apiKeyId: "ak_1", clientId: "c" };
        const d = await (kind === "Pod" ? pod.diff : key.diff)("id_1", outs, renamed.inputs);
        assert.deepEqual(d.replaces, []);
      });

      it("gives a fresh auto-name once a given name is removed, even one shaped like an auto-name", async () => {
        const old = (await check({}, as("bot", { name: "given-1234567" }))).inputs;
        const dropped = await check(old, as("bot"));
        assert.match(dropped.inputs["name"] as string, /^bot-[0-9a-f]{7}$/);
        assert.notEqual(dropped.inputs["name"], "given-1234567");
      });

      it("gives a fresh auto-name to a replacement (check with no olds)", async () => {
        const old = (await check({}, as("bot"))).inputs;
        const fresh = await check({}, as("bot"));
        assert.notEqual(fresh.inputs["name"], old["name"]);
      });

      it("inputs checked before the list existed: keeps a name shaped like an auto-name, whatever its prefix", async () => {
        assert.equal((await check({ name: "bot-abc1234" }, as("support-bot"))).inputs["name"], "bot-abc1234");
        assert.match((await check({ name: "given" }, as("bot"))).inputs["name"] as string, /^bot-[0-9a-f]{7}$/);
      });
    });
  }
});
