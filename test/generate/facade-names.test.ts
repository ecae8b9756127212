// The facade's names and result kinds come from the spec (scripts/facade-names.ts): the official SDK's Fern names
// where the spec has them, else the first tag and the operationId; clashes resolved and reported; the kind from the
// 200 response and x-fern-streaming.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { camel, facadeTable } from "../../scripts/facade-names.ts";
import type { JsonObject } from "../../scripts/normalize.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const content = (type: string, schema: JsonObject = {}) => ({
  responses: { "200": { description: "OK", content: { [type]: { schema } } } },
});

const DOC: JsonObject = {
  openapi: "3.1.0",
  info: { title: "t", version: "1" },
  paths: {
    "/v1/text-to-speech/{voice_id}/stream": {
      post: {
        "x-fern-sdk-group-name": "text_to_speech",
        "x-fern-sdk-method-name": "stream",
        "x-fern-streaming": true,
        ...content("audio/mpeg"),
      },
    },
    "/v1/text-to-speech/{voice_id}/stream/with-timestamps": {
      post: {
        "x-fern-sdk-group-name": "text_to_speech",
        "x-fern-sdk-method-name": "stream_with_timestamps",
        "x-fern-streaming": true,
        ...content("application/json", { type: "object" }),
      },
    },
    "/v1/user/subscription": {
      get: {
        "x-fern-sdk-group-name": ["user", "subscription"],
        "x-fern-sdk-method-name": "get",
        ...content("application/json", { type: "object" }),
      },
    },
    "/v2/voices": {
      get: {
        "x-fern-sdk-group-name": "voices",
        "x-fern-sdk-method-name": "search",
        ...content("application/json", {
          type: "object",
          properties: { voices: { type: "array" }, has_more: { type: "boolean" }, next_page_token: { type: "string" } },
        }),
      },
    },
    "/v1/history/download": {
      post: { tags: ["subpackage_history"], operationId: "Download_history_items", ...content("application/zip") },
    },
    "/v1/a": { get: { tags: ["misc"], operationId: "same", ...content("application/json") } },
    "/v1/b": { post: { tags: ["misc"], operationId: "same", ...content("application/json") } },
  },
};

describe("the facade table", () => {
  const table = facadeTable(DOC);
  const row = (key: string) => table.operations.find((o) => o.key === key)!;

  it("takes the official SDK's names from x-fern-sdk-group-name / x-fern-sdk-method-name, camelCased", () => {
    expect(row("POST /v1/text-to-speech/{voice_id}/stream")).toMatchObject({
      group: ["textToSpeech"],
      method: "stream",
      kind: "audio",
      source: "fern",
    });
    expect(row("POST /v1/text-to-speech/{voice_id}/stream/with-timestamps")).toMatchObject({
      method: "streamWithTimestamps",
      kind: "json-stream",
    });
    expect(row("GET /v1/user/subscription")).toMatchObject({ group: ["user", "subscription"], method: "get" });
  });

  it("finds pages (has_more and a token) and other answers", () => {
    expect(row("GET /v2/voices")).toMatchObject({ kind: "paged", pageToken: "next_page_token" });
    expect(row("POST /v1/history/download")).toMatchObject({
      group: ["history"],
      method: "downloadHistoryItems",
      kind: "other",
      source: "tag",
    });
  });

  it("resolves a clash by the HTTP method, and reports it", () => {
    expect(row("GET /v1/a").method).toBe("same");
    expect(row("POST /v1/b").method).toBe("samePost");
    expect(table.clashes).toEqual(["misc.same: GET /v1/a keeps it; POST /v1/b is misc.samePost"]);
  });

  it("names the seed's operation textToSpeech.convert and the extracted family by their official names", async () => {
    const spec = JSON.parse(await readFile(join(ROOT, "generated/openapi.json"), "utf8")) as JsonObject;
    const { operations, clashes } = facadeTable(spec);
    expect(clashes).toEqual([]);
    expect(operations.map((o) => [o.key, [...o.group, o.method].join("."), o.kind, o.source, o.pageToken])).toEqual([
      ["POST /v1/text-to-speech/{voice_id}", "textToSpeech.convert", "audio", "tag", undefined],
      ["POST /v1/text-to-speech/{voice_id}/stream", "textToSpeech.stream", "audio", "fern", undefined],
      [
        "POST /v1/text-to-speech/{voice_id}/with-timestamps",
        "textToSpeech.convertWithTimestamps",
        "json",
        "fern",
        undefined,
      ],
      [
        "POST /v1/text-to-speech/{voice_id}/stream/with-timestamps",
        "textToSpeech.streamWithTimestamps",
        "json-stream",
        "fern",
        undefined,
      ],
      ["GET /v1/models", "models.list", "json", "fern", undefined],
      ["GET /v2/voices", "voices.search", "paged", "fern", "next_page_token"],
      ["GET /v1/user/subscription", "user.subscription.get", "json", "fern", undefined],
    ]);
  });

  it("camelCases snake, kebab and Fern ids", () => {
    expect(["text_to_speech", "text-to-speech", "Get_Models_v1_models_get", "convert"].map(camel)).toEqual([
      "textToSpeech",
      "textToSpeech",
      "getModelsV1ModelsGet",
      "convert",
    ]);
  });
});
