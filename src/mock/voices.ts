/**
 * The local server's voices: ElevenLabs' premade voices (their public ids, names and labels), and `GET /v2/voices`
 * over them: filtered by `search`, `category`, `voice_type` and `voice_ids`, sorted, and paged with an opaque
 * `next_page_token`.
 */

interface VoiceData {
  id: string;
  name: string;
  accent: string;
  description: string;
  age: string;
  gender: string;
  useCase: string;
}

/** [voice_id, name, accent, description, age, gender, use_case], in the API's listing order. */
const DATA: readonly (readonly [string, string, string, string, string, string, string])[] = [
  ["21m00Tcm4TlvDq8ikWAM", "Rachel", "american", "calm", "young", "female", "narration"],
  ["29vD33N1CtxCmqQRPOHJ", "Drew", "american", "well-rounded", "middle aged", "male", "news"],
  ["2EiwWnXFnvU5JabPnv8n", "Clyde", "american", "war veteran", "middle aged", "male", "characters"],
  ["5Q0t7uMcjvnagumLfvZi", "Paul", "american", "authoritative", "middle aged", "male", "news"],
  ["9BWtsMINqrJLrRacOk9x", "Aria", "american", "husky", "middle aged", "female", "social media"],
  ["AZnzlk1XvdvUeBnXmlld", "Domi", "american", "strong", "young", "female", "narration"],
  ["CYw3kZ02Hs0563khs1Fj", "Dave", "british", "conversational", "young", "male", "characters"],
  ["CwhRBWXzGAHq8TQ4Fs17", "Roger", "american", "confident", "middle aged", "male", "social media"],
  ["D38z5RcWu1voky8WS1ja", "Fin", "irish", "sailor", "old", "male", "characters"],
  ["EXAVITQu4vr4xnSDxMaL", "Sarah", "american", "soft", "young", "female", "news"],
  ["ErXwobaYiN019PkySvjV", "Antoni", "american", "well-rounded", "young", "male", "narration"],
  ["FGY2WhTYpPnrIDTdsKH5", "Laura", "american", "upbeat", "young", "female", "social media"],
  ["GBv7mTt0atIp3Br8iCZE", "Thomas", "american", "calm", "young", "male", "meditation"],
  ["IKne3meq5aSn9XLyUdCD", "Charlie", "australian", "natural", "middle aged", "male", "conversational"],
  ["JBFqnCBsd6RMkjVDRZzb", "George", "british", "warm", "middle aged", "male", "narration"],
  ["LcfcDJNUP1GQjkzn1xUU", "Emily", "american", "calm", "young", "female", "meditation"],
  ["MF3mGyEYCl7XYWbV9V6O", "Elli", "american", "emotional", "young", "female", "narration"],
  ["N2lVS1w4EtoT3dr4eOWO", "Callum", "transatlantic", "intense", "middle aged", "male", "characters"],
  ["ODq5zmih8GrVes37Dizd", "Patrick", "american", "shouty", "middle aged", "male", "characters"],
  ["SAz9YHcvj6GT2YYXdXww", "River", "american", "confident", "middle aged", "neutral", "social media"],
  ["SOYHLrjzK2X1ezoPC6cr", "Harry", "american", "anxious", "young", "male", "characters"],
  ["TX3LPaxmHKxFdv7VOQHJ", "Liam", "american", "articulate", "young", "male", "narration"],
  ["ThT5KcBeYPX3keUQqHPh", "Dorothy", "british", "pleasant", "young", "female", "children's stories"],
  ["TxGEqnHWrfWFTfGW9XjX", "Josh", "american", "deep", "young", "male", "narration"],
  ["VR6AewLTigWG4xSOukaG", "Arnold", "american", "crisp", "middle aged", "male", "narration"],
  ["XB0fDUnXU5powFXDhCwa", "Charlotte", "swedish", "seductive", "young", "female", "characters"],
  ["Xb7hH8MSUJpSbSDYk0k2", "Alice", "british", "confident", "middle aged", "female", "news"],
  ["XrExE9yKIg1WjnnlVkGX", "Matilda", "american", "warm", "middle aged", "female", "narration"],
  ["ZQe5CZNOzWyzPSCn5a3c", "James", "australian", "calm", "old", "male", "news"],
  ["Zlb1dXrM653N07WRdFW3", "Joseph", "british", "articulate", "middle aged", "male", "news"],
  ["bIHbv24MWmeRgasZH58o", "Will", "american", "friendly", "young", "male", "social media"],
  ["bVMeCyTHy58xNoL34h3p", "Jeremy", "irish", "excited", "young", "male", "narration"],
  ["cgSgspJ2msm6clMCkdW9", "Jessica", "american", "expressive", "young", "female", "conversational"],
  ["cjVigY5qzO86Huf0OWal", "Eric", "american", "friendly", "middle aged", "male", "conversational"],
  ["iP95p4xoKVk53GoZ742B", "Chris", "american", "casual", "middle aged", "male", "conversational"],
  ["nPczCjzI2devNBz1zQrb", "Brian", "american", "deep", "middle aged", "male", "narration"],
  ["onwK4e9ZLuTAKqWW03F9", "Daniel", "british", "authoritative", "middle aged", "male", "news"],
  ["pFZP5JQG7iQjIQuC4Bku", "Lily", "british", "warm", "middle aged", "female", "narration"],
  ["pNInz6obpgDQGcFmaJgB", "Adam", "american", "deep", "middle aged", "male", "narration"],
  ["pqHfZKP75CvOlQylNhV4", "Bill", "american", "trustworthy", "old", "male", "narration"],
];

export const VOICES: readonly VoiceData[] = DATA.map(([id, name, accent, description, age, gender, useCase]) => ({
  id,
  name,
  accent,
  description,
  age,
  gender,
  useCase,
}));

/** 2023-01-01T00:00:00Z; the voices were "created" a day apart, in listing order. */
const CREATED_FROM = 1_672_531_200;
const DAY = 86_400;
const MODEL_IDS = [
  "eleven_turbo_v2",
  "eleven_flash_v2",
  "eleven_turbo_v2_5",
  "eleven_flash_v2_5",
  "eleven_multilingual_v2",
];

/** A voice as VoiceResponseModel. */
export function voiceResponse(voice: VoiceData, index = VOICES.indexOf(voice)): Record<string, unknown> {
  return {
    voice_id: voice.id,
    name: voice.name,
    samples: null,
    category: "premade",
    fine_tuning: null,
    labels: {
      accent: voice.accent,
      description: voice.description,
      age: voice.age,
      gender: voice.gender,
      use_case: voice.useCase,
    },
    description: `${capitalise(voice.age)} ${voice.accent} ${voice.gender} voice, ${voice.description}, for ${voice.useCase}.`,
    preview_url: `https://storage.googleapis.com/eleven-public-prod/premade/voices/${voice.id}/preview.mp3`,
    available_for_tiers: [],
    settings: null,
    sharing: null,
    high_quality_base_model_ids: MODEL_IDS,
    verified_languages: [],
    safety_control: null,
    voice_verification: {
      requires_verification: false,
      is_verified: false,
      verification_failures: [],
      verification_attempts_count: 0,
    },
    permission_on_resource: null,
    is_owner: false,
    is_legacy: false,
    is_mixed: false,
    created_at_unix: CREATED_FROM + index * DAY,
  };
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export const PAGE_SIZE_DEFAULT = 10;
export const PAGE_SIZE_MAX = 100;

/** A refusal of the query, in the API's 422 (`detail` list) or 400 (`detail` object) shape. */
export type VoiceQueryRefusal =
  | { status: 422; body: { detail: { loc: string[]; msg: string; type: string }[] } }
  | { status: 400; body: { detail: { status: string; message: string } } };

/** The page token: base64url of "offset:filter fingerprint", so a token from another query is refused. */
function token(offset: number, fingerprint: string): string {
  return Buffer.from(`${offset}:${fingerprint}`).toString("base64url");
}

function offsetOf(value: string, fingerprint: string): number | undefined {
  const [offset, ...rest] = Buffer.from(value, "base64url").toString("utf8").split(":");
  const n = Number(offset);
  return Number.isSafeInteger(n) && n >= 0 && rest.join(":") === fingerprint ? n : undefined;
}

/**
 * `GET /v2/voices` (GetVoicesV2ResponseModel): `search` matches name, description, labels and category (case-
 * insensitive substring); `category` and `voice_type` filter ("default" is every premade voice, the other types are
 * empty here); `voice_ids` keeps those ids; `sort` is "name" or "created_at_unix" (`sort_direction` "asc" or "desc",
 * default "desc" for dates and "asc" for names); without `sort`, the listing order. Pages of `page_size` (default
 * 10, at most 100) follow `next_page_token`, which holds the offset and the filters it was issued for.
 */
export function listVoices(query: URLSearchParams): { status: 200; body: Record<string, unknown> } | VoiceQueryRefusal {
  const pageSize = query.has("page_size") ? Number(query.get("page_size")) : PAGE_SIZE_DEFAULT;
  if (pageSize > PAGE_SIZE_MAX || pageSize < 1) {
    const over = pageSize > PAGE_SIZE_MAX;
    return {
      status: 422,
      body: {
        detail: [
          {
            loc: ["query", "page_size"],
            msg: over
              ? `Input should be less than or equal to ${PAGE_SIZE_MAX}`
              : "Input should be greater than or equal to 1",
            type: over ? "less_than_equal" : "greater_than_equal",
          },
        ],
      },
    };
  }
  const search = query.get("search")?.trim().toLowerCase() ?? "";
  const category = query.get("category");
  const voiceType = query.get("voice_type");
  const ids = query
    .getAll("voice_ids")
    .flatMap((v) => v.split(","))
    .filter((v) => v !== "");
  const sort = query.get("sort");
  const direction = query.get("sort_direction") ?? (sort === "name" ? "asc" : "desc");
  const fingerprint = JSON.stringify([search, category, voiceType, ids, sort, direction]);

  let voices = VOICES.map((voice, index) => voiceResponse(voice, index));
  if (search) {
    voices = voices.filter((v) =>
      [v.name, v.description, v.category, ...Object.values(v.labels as Record<string, string>)].some((field) =>
        String(field).toLowerCase().includes(search),
      ),
    );
  }
  if (category !== null && category !== "null") voices = voices.filter((v) => v.category === category);
  if (voiceType !== null && voiceType !== "null" && voiceType !== "default") voices = [];
  if (ids.length > 0) voices = voices.filter((v) => ids.includes(String(v.voice_id)));
  if (sort === "name" || sort === "created_at_unix") {
    const sign = direction === "asc" ? 1 : -1;
    voices.sort((a, b) =>
      sort === "name"
        ? sign * String(a.name).localeCompare(String(b.name))
        : sign * (Number(a.created_at_unix) - Number(b.created_at_unix)),
    );
  }

  const tokenValue = query.get("next_page_token");
  let offset = 0;
  if (tokenValue !== null && tokenValue !== "" && tokenValue !== "null") {
    const decoded = offsetOf(tokenValue, fingerprint);
    if (decoded === undefined) {
      return {
        status: 400,
        body: {
          detail: {
            status: "invalid_page_token",
            message: "next_page_token is not a token this server issued for this query",
          },
        },
      };
    }
    offset = decoded;
  }
  const page = voices.slice(offset, offset + pageSize);
  const next = offset + page.length;
  const hasMore = next < voices.length;
  return {
    status: 200,
    body: {
      voices: page,
      has_more: hasMore,
      total_count: voices.length,
      next_page_token: hasMore ? token(next, fingerprint) : null,
    },
  };
}
