/**
 * A settable clock for the provider host, loaded with `node --require` (see {@link hostClockEnv}): `Date.now()`
 * in the host answers the real time plus the offset (ms) written in the file named by
 * `PULUMI_AGENTMAIL_TEST_CLOCK_FILE`, read at each call. So a test moves the host's time by writing a number, and
 * nothing waits. Only the tests load it.
 * @module
 */
import * as fs from "node:fs";

const file = process.env["PULUMI_AGENTMAIL_TEST_CLOCK_FILE"];
if (file !== undefined && file !== "") {
  const real = Date.now.bind(Date);
  Date.now = () => real() + Number(fs.readFileSync(file, "utf8") || "0");
}
