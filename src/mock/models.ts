import { MODEL_MAX_CHARACTERS } from "../models.js";

/**
 * The models the local server knows: the client's limits table (src/models.ts) with display names, languages and
 * prices, as a list the server's checks read and `GET /v1/models` serves.
 */
export interface MockModel {
  /** The `model_id` to send. */
  modelId: string;
  name: string;
  /** Characters (code points) one text-to-speech request may carry. */
  maxCharacters: number;
}

/** Display names; a model of the limits table without one here gets its id as its name. */
const NAMES: Readonly<Record<string, string>> = {
  eleven_multilingual_v2: "Eleven Multilingual v2",
  eleven_flash_v2_5: "Eleven Flash v2.5",
  eleven_turbo_v2_5: "Eleven Turbo v2.5",
  eleven_flash_v2: "Eleven Flash v2",
  eleven_turbo_v2: "Eleven Turbo v2",
  eleven_v3: "Eleven v3",
  eleven_multilingual_v1: "Eleven Multilingual v1",
  eleven_monolingual_v1: "Eleven English v1",
};

export const MODELS: readonly MockModel[] = Object.entries(MODEL_MAX_CHARACTERS).map(([modelId, maxCharacters]) => ({
  modelId,
  name: NAMES[modelId] ?? modelId,
  maxCharacters,
}));

/** The languages of the v2.5 models, in the models page's order (v2 speaks the first 29). */
const LANGUAGES: readonly [string, string][] = [
  ["en", "English"],
  ["ja", "Japanese"],
  ["zh", "Chinese"],
  ["de", "German"],
  ["hi", "Hindi"],
  ["fr", "French"],
  ["ko", "Korean"],
  ["pt", "Portuguese"],
  ["it", "Italian"],
  ["es", "Spanish"],
  ["id", "Indonesian"],
  ["nl", "Dutch"],
  ["tr", "Turkish"],
  ["fil", "Filipino"],
  ["pl", "Polish"],
  ["sv", "Swedish"],
  ["bg", "Bulgarian"],
  ["ro", "Romanian"],
  ["ar", "Arabic"],
  ["cs", "Czech"],
  ["el", "Greek"],
  ["fi", "Finnish"],
  ["hr", "Croatian"],
  ["ms", "Malay"],
  ["sk", "Slovak"],
  ["da", "Danish"],
  ["ta", "Tamil"],
  ["uk", "Ukrainian"],
  ["ru", "Russian"],
  ["hu", "Hungarian"],
  ["no", "Norwegian"],
  ["vi", "Vietnamese"],
];

const ALL = LANGUAGES.map(([id]) => id);
const V2 = ALL.slice(0, 29);
const ENGLISH = ["en"];

/** What the models page says of each model: the languages it speaks, its price (credits per character), its queue. */
const TRAITS: Readonly<
  Record<string, { languages: string[]; multiplier: number; turbo: boolean; description: string }>
> = {
  eleven_multilingual_v2: {
    languages: V2,
    multiplier: 1,
    turbo: false,
    description: "Our most life-like, emotionally rich model, in 29 languages.",
  },
  eleven_flash_v2_5: {
    languages: ALL,
    multiplier: 0.5,
    turbo: true,
    description: "Our fastest model, ultra low latency, in 32 languages.",
  },
  eleven_turbo_v2_5: {
    languages: ALL,
    multiplier: 0.5,
    turbo: true,
    description: "High quality, low latency model in 32 languages.",
  },
  eleven_flash_v2: { languages: ENGLISH, multiplier: 0.5, turbo: true, description: "Our fastest English model." },
  eleven_turbo_v2: { languages: ENGLISH, multiplier: 0.5, turbo: true, description: "English low latency model." },
  eleven_v3: {
    languages: ALL,
    multiplier: 1,
    turbo: false,
    description: "Our most expressive model, with audio tags (a subset of its languages listed here).",
  },
  eleven_multilingual_v1: {
    languages: ["en", "de", "pl", "es", "it", "fr", "pt", "hi"],
    multiplier: 1,
    turbo: false,
    description: "Our first multilingual model (deprecated).",
  },
  eleven_monolingual_v1: { languages: ENGLISH, multiplier: 1, turbo: false, description: "Our first English model." },
};

/**
 * `GET /v1/models`: one ModelResponseModel per model the server knows. Every character limit is the one the server
 * refuses by (src/models.ts), for free and subscribed users alike.
 */
export function modelList(): Record<string, unknown>[] {
  return MODELS.map((m) => {
    const traits = TRAITS[m.modelId] ?? { languages: ENGLISH, multiplier: 1, turbo: false, description: m.name };
    return {
      model_id: m.modelId,
      name: m.name,
      can_be_finetuned: true,
      can_do_text_to_speech: true,
      can_do_voice_conversion: false,
      can_use_style: m.modelId === "eleven_multilingual_v2" || m.modelId === "eleven_v3",
      can_use_speaker_boost: true,
      serves_pro_voices: false,
      token_cost_factor: 1,
      description: traits.description,
      requires_alpha_access: false,
      max_characters_request_free_user: m.maxCharacters,
      max_characters_request_subscribed_user: m.maxCharacters,
      maximum_text_length_per_request: m.maxCharacters,
      languages: LANGUAGES.filter(([id]) => traits.languages.includes(id)).map(([language_id, name]) => ({
        language_id,
        name,
      })),
      model_rates: { character_cost_multiplier: traits.multiplier },
      concurrency_group: traits.turbo ? "turbo" : "standard",
    };
  });
}

/** The model with this id, or undefined. */
export function findModel(modelId: string): MockModel | undefined {
  return MODELS.find((m) => m.modelId === modelId);
}

/** A refusal in the API's shape: `{ detail: { type, code, status, message, param } }` (status is the legacy name). */
export interface Refusal {
  status: number;
  body: { detail: { type: string; code: string; status: string; message: string; param: string } };
}

const refuse = (code: string, param: string, message: string): Refusal => ({
  status: 400,
  body: { detail: { type: "validation_error", code, status: code, message, param } },
});

/** The refusal of a `model_id` the server does not know. */
export function modelNotFound(modelId: string): Refusal {
  return refuse(
    "model_not_found",
    "model_id",
    `A model with model ID ${JSON.stringify(modelId)} does not exist. Known models include ${MODELS.slice(0, 3)
      .map((m) => m.modelId)
      .join(", ")}.`,
  );
}

/**
 * Models the realtime WebSockets do not serve. ElevenLabs' docs say WebSockets are not available for eleven_v3, and
 * the API refuses its handshake with 403 (seen by users, for example in LiveKit's community forum).
 */
export const NOT_REALTIME_MODELS: ReadonlySet<string> = new Set(["eleven_v3"]);

/**
 * What the real API refuses in a valid-by-schema text-to-speech body: empty text, an unknown model, text over the
 * model's limit. Undefined when the body is acceptable. `modelId` is the one to use (the spec's default when absent).
 */
export function checkSpeechRequest(text: string, modelId: string): Refusal | undefined {
  if (text.trim() === "")
    return refuse("empty_text", "text", "Text must contain at least one non-whitespace character.");
  const model = findModel(modelId);
  if (!model) return modelNotFound(modelId);
  const length = [...text].length;
  if (length > model.maxCharacters) {
    return refuse(
      "max_character_limit_exceeded",
      "text",
      `This request's text has ${length} characters and exceeds the character limit of ${model.maxCharacters} characters for model ${model.modelId}.`,
    );
  }
  return undefined;
}
