// A quota overrun arrives as a 401 with detail.status "quota_exceeded" (not a 429): a QuotaExceededError, still an
// AuthenticationError, that says how many characters the request needed and how many remain, in both message shapes
// the API has used; not retried; and the CLI says so in its own words.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, ElevenLabsClient, QuotaExceededError } from "../../src/index.ts";
import { json, startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const client = () => new ElevenLabsClient({ apiKey: "sk_quota_test", baseUrl: server.url });

describe("quota_exceeded", () => {
  it.each([
    [
      "credits (2026)",
      "This request exceeds your quota of 10000. You have 0 credits remaining, while 91 credits are required for this request.",
      91,
      0,
    ],
    [
      "characters (2023)",
      "This request exceeds your quota. You have 11 characters remaining, while 70 characters are required for this request.",
      70,
      11,
    ],
  ])("%s: a QuotaExceededError with the counts, sent once", async (_, message, requested, remaining) => {
    server.handle(json(401, { detail: { status: "quota_exceeded", message } }, { "request-id": "req_q" }));
    const from = server.requests.length;
    const error = await client()
      .textToSpeech.convert("v", { text: "Hello there" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      name: "QuotaExceededError",
      statusCode: 401,
      requested,
      remaining,
      requestId: "req_q",
    });
    expect((error as Error).message).toContain(`(requested ${requested} characters, ${remaining} remain)`);
    expect(server.requests.length - from).toBe(1);
  });

  it("a quota message without counts is still a QuotaExceededError; another 401 is not", async () => {
    server.handle(json(401, { detail: { status: "quota_exceeded", message: "You have reached the limit." } }));
    const quota = await client()
      .textToSpeech.convert("v", { text: "Hi" })
      .catch((e: unknown) => e);
    expect(quota).toBeInstanceOf(QuotaExceededError);
    expect((quota as QuotaExceededError).requested).toBeUndefined();
    server.handle(json(401, { detail: { status: "invalid_api_key", message: "Invalid API key" } }));
    const key = await client()
      .textToSpeech.convert("v", { text: "Hi" })
      .catch((e: unknown) => e);
    expect(key).toBeInstanceOf(AuthenticationError);
    expect(key).not.toBeInstanceOf(QuotaExceededError);
  });
});
