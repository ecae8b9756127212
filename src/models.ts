/**
 * The models ElevenLabs documents, with the characters one text-to-speech request may carry (code points): the one
 * table that convert() checks before sending, convertLongForm splits by, and the local server refuses by. Sources:
 * help.elevenlabs.io "API Error Code 400 or 401" (max_character_limit_exceeded and the per-model limits), the models
 * page for Flash, and elevenlabs-docs#1458 (v3 lowered to 3,000). A model not listed here is not refused by the
 * client: new models appear, and the API's answer is authoritative.
 */
export const MODEL_MAX_CHARACTERS: Readonly<Record<string, number>> = {
  eleven_multilingual_v2: 10_000,
  eleven_flash_v2_5: 40_000,
  eleven_turbo_v2_5: 40_000,
  eleven_flash_v2: 30_000,
  eleven_turbo_v2: 30_000,
  eleven_v3: 3_000,
  eleven_multilingual_v1: 10_000,
  eleven_monolingual_v1: 10_000,
};
