/**
 * The models ElevenLabs documents, with the characters one text-to-speech request may carry (code points): the one
 * table that convert() checks before sending, convertLongForm splits by, and the local server refuses by. Sources:
 * help.elevenlabs.io "API Error Code 400 or 401" (max_character_limit_exceeded and the per-model limits), the models
 * page for Flash, and elevenlabs-docs#1458 (v3 lowered to 3,000). A model not listed here is not refused by the
 * client: new models appear, and the API's answer is authoritative.
 */
export const MODELS: Readonly<Record<string, { name: string; maxCharacters: number }>> = {
  eleven_multilingual_v2: { name: "Eleven Multilingual v2", maxCharacters: 10_000 },
  eleven_flash_v2_5: { name: "Eleven Flash v2.5", maxCharacters: 40_000 },
  eleven_turbo_v2_5: { name: "Eleven Turbo v2.5", maxCharacters: 40_000 },
  eleven_flash_v2: { name: "Eleven Flash v2", maxCharacters: 30_000 },
  eleven_turbo_v2: { name: "Eleven Turbo v2", maxCharacters: 30_000 },
  eleven_v3: { name: "Eleven v3", maxCharacters: 3_000 },
  eleven_multilingual_v1: { name: "Eleven Multilingual v1", maxCharacters: 10_000 },
  eleven_monolingual_v1: { name: "Eleven English v1", maxCharacters: 10_000 },
};

/** Characters per request by model, for the models in MODELS. */
export const MODEL_MAX_CHARACTERS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(MODELS).map(([id, model]) => [id, model.maxCharacters]),
);
