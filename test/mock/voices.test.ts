// GET /v2/voices on the local server: pages that walk every voice exactly once, search and filters, sorting, and
// answers valid against GetVoicesV2ResponseModel.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ElevenLabsClient } from "../../src/index.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { VOICES } from "../../src/mock/voices.ts";
import { answerErrors } from "../contract/spec-schemas.ts";

interface Voice {
  voice_id: string;
  name: string;
  category: string;
  description: string;
  labels: Record<string, string>;
  created_at_unix: number;
  preview_url: string;
}
interface Page {
  voices: Voice[];
  has_more: boolean;
  total_count: number;
  next_page_token: string | null;
}

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
});
afterAll(() => mock.close());

async function list(query: Record<string, string | string[]> = {}): Promise<{ status: number; body: Page }> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of [v].flat()) params.append(k, one);
  const res = await fetch(`${mock.url}/v2/voices?${params}`, { headers: { "xi-api-key": "k" } });
  const body = (await res.json()) as Page;
  if (res.status === 200) expect(answerErrors("GET", "/v2/voices", body)).toEqual([]);
  return { status: res.status, body };
}

async function walk(query: Record<string, string | string[]> = {}): Promise<{ pages: Page[]; ids: string[] }> {
  const pages: Page[] = [];
  let token: string | null = null;
  do {
    const { status, body } = await list({ ...query, ...(token ? { next_page_token: token } : {}) });
    expect(status).toBe(200);
    pages.push(body);
    token = body.next_page_token;
    expect(pages.length).toBeLessThan(50);
  } while (token);
  return { pages, ids: pages.flatMap((p) => p.voices.map((v) => v.voice_id)) };
}

describe("GET /v2/voices", () => {
  it("has a few dozen premade voices with 20-character ids and the labels as a map", () => {
    expect(VOICES.length).toBeGreaterThanOrEqual(30);
    expect(VOICES.length).toBeLessThanOrEqual(40);
    for (const v of VOICES) expect(v.id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(new Set(VOICES.map((v) => v.id)).size).toBe(VOICES.length);
    expect(VOICES.find((v) => v.id === "JBFqnCBsd6RMkjVDRZzb")?.name).toBe("George");
  });

  it("the first page: 10 voices by default, has_more, total_count and an opaque token", async () => {
    const { body } = await list();
    expect(body.voices).toHaveLength(10);
    expect(body.has_more).toBe(true);
    expect(body.total_count).toBe(VOICES.length);
    expect(typeof body.next_page_token).toBe("string");
    expect(body.next_page_token).not.toMatch(/^\d+$/);
    const george = (await list({ voice_ids: "JBFqnCBsd6RMkjVDRZzb" })).body.voices[0]!;
    expect(george).toMatchObject({
      voice_id: "JBFqnCBsd6RMkjVDRZzb",
      name: "George",
      category: "premade",
      labels: { accent: "british", description: "warm", age: "middle aged", gender: "male", use_case: "narration" },
    });
    expect(george.preview_url).toMatch(/^https:\/\/.+\.mp3$/);
  });

  it.each(["7", "10", "100"])("pages of %s walk every voice exactly once", async (size) => {
    const { pages, ids } = await walk({ page_size: size });
    expect(ids).toHaveLength(VOICES.length);
    expect(new Set(ids)).toEqual(new Set(VOICES.map((v) => v.id)));
    expect(pages.length).toBe(Math.ceil(VOICES.length / Number(size)));
    expect(pages.at(-1)!.has_more).toBe(false);
    expect(pages.at(-1)!.next_page_token).toBeNull();
    for (const page of pages.slice(0, -1)) expect(page.voices).toHaveLength(Number(size));
  });

  it("refuses page_size over 100 or under 1, as the API documents", async () => {
    const over = await list({ page_size: "101" });
    expect(over.status).toBe(422);
    expect(over.body).toEqual({
      detail: [
        { loc: ["query", "page_size"], msg: "Input should be less than or equal to 100", type: "less_than_equal" },
      ],
    });
    expect((await list({ page_size: "0" })).status).toBe(422);
  });

  it("search is case-insensitive over name, description and labels, and pages the matches", async () => {
    const byName = (await list({ search: "gEoRgE" })).body;
    expect(byName.voices.map((v) => v.name)).toEqual(["George"]);
    expect(byName.total_count).toBe(1);
    const british = await walk({ search: "BRITISH", page_size: "2" });
    const expected = VOICES.filter((v) => v.accent === "british").map((v) => v.id);
    expect(expected.length).toBeGreaterThan(2);
    expect(british.ids).toEqual(expected);
    expect(british.pages[0]!.total_count).toBe(expected.length);
    const narration = (await list({ search: "narration", page_size: "100" })).body.voices;
    expect(narration.length).toBe(VOICES.filter((v) => v.useCase === "narration").length);
    expect((await list({ search: "calm" })).body.voices.every((v) => v.labels.description === "calm")).toBe(true);
    expect((await list({ search: "no such voice" })).body).toEqual({
      voices: [],
      has_more: false,
      total_count: 0,
      next_page_token: null,
    });
  });

  it("filters by voice_ids (repeated), category and voice_type", async () => {
    const two = (await list({ voice_ids: ["JBFqnCBsd6RMkjVDRZzb", "21m00Tcm4TlvDq8ikWAM"] })).body.voices;
    expect(two.map((v) => v.name).sort()).toEqual(["George", "Rachel"]);
    expect((await list({ category: "cloned" })).body.total_count).toBe(0);
    expect((await list({ category: "premade" })).body.total_count).toBe(VOICES.length);
    expect((await list({ voice_type: "personal" })).body.total_count).toBe(0);
    expect((await list({ voice_type: "default" })).body.total_count).toBe(VOICES.length);
  });

  it("sorts by name or creation time, both ways", async () => {
    const names = (await walk({ sort: "name", sort_direction: "asc", page_size: "9" })).pages
      .flatMap((p) => p.voices)
      .map((v) => v.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(names).toHaveLength(VOICES.length);
    const newest = (await list({ sort: "created_at_unix" })).body.voices.map((v) => v.created_at_unix);
    expect(newest).toEqual([...newest].sort((a, b) => b - a));
  });

  it("refuses a page token that is not its own, or one issued for another query", async () => {
    const bad = await list({ next_page_token: "not-a-token" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ detail: { status: "invalid_page_token" } });
    const token = (await list({ page_size: "2" })).body.next_page_token!;
    expect((await list({ page_size: "2", next_page_token: token })).status).toBe(200);
    expect((await list({ page_size: "2", search: "british", next_page_token: token })).status).toBe(400);
  });

  it("the client's voices.search() iterates every voice of every page, once", async () => {
    const client = new ElevenLabsClient({ apiKey: "k", baseUrl: mock.url });
    const names: string[] = [];
    for await (const voice of client.voices.search({ pageSize: 8 })) names.push((voice as { name: string }).name);
    expect(names).toEqual(VOICES.map((v) => v.name));
  });
});
