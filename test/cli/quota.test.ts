// The CLI says a used-up quota in its own words (not "the API refused the key"), with the counts, and exits 3.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/node/cli.ts";
import { json, startTestServer, type TestServer } from "../helpers/server.ts";
import { tempDir } from "../helpers/tmp.ts";
import { runCli } from "./run.ts";

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startTestServer();
  dir = await tempDir("cli-quota-");
});
afterAll(() => server.close());

describe("speak with the quota used up", () => {
  it("says how many characters were needed and how many are left", async () => {
    server.handle(
      json(401, {
        detail: {
          status: "quota_exceeded",
          message:
            "This request exceeds your quota of 10000. You have 4 credits remaining, while 11 credits are required for this request.",
        },
      }),
    );
    const r = await runCli(server.url, ["speak", "Hello there", "-o", `${dir}/q.mp3`]);
    expect(r.code).toBe(EXIT.api);
    expect(r.err).toContain("The account's character quota is used up: 11 characters needed, 4 left.");
    expect(r.err).not.toContain("refused the key");
  });

  it("says the same with --subtitles (long-form synthesis), not as a chunk's failure", async () => {
    const r = await runCli(server.url, ["speak", "Hello there", "-o", `${dir}/q2.mp3`, "--subtitles", `${dir}/q2.vtt`]);
    expect(r.code).toBe(EXIT.api);
    expect(r.err).toContain("The account's character quota is used up: 11 characters needed, 4 left.");
    expect(r.err).not.toContain("chunk 1");
    const j = await runCli(server.url, [
      "speak",
      "Hello there",
      "-o",
      `${dir}/q3.mp3`,
      "--subtitles",
      `${dir}/q3.vtt`,
      "--json",
    ]);
    expect(JSON.parse(j.out || j.err)).toMatchObject({ error: { name: "QuotaExceededError" } });
  });
});
