import { MODEL_MAX_CHARACTERS } from "../models.js";

/**
 * The models the local server knows: the client's limits table (src/models.ts) with display names, as a list the
 * server's checks read (and `GET /v1/models` can serve).
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

/**
 * What the real API refuses in a valid-by-schema text-to-speech body: empty text, an unknown model, text over the
 * model's limit. Undefined when the body is acceptable. `modelId` is the one to use (the spec's default when absent).
 */
export function checkSpeechRequest(text: string, modelId: string): Refusal | undefined {
  if (text.trim() === "")
    return refuse("empty_text", "text", "Text must contain at least one non-whitespace character.");
  const model = findModel(modelId);
  if (!model) {
    return refuse(
      "model_not_found",
      "model_id",
      `A model with model ID ${JSON.stringify(modelId)} does not exist. Known models include ${MODELS.slice(0, 3)
        .map((m) => m.modelId)
        .join(", ")}.`,
    );
  }
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
