/**
 * The local server's account: the characters billed so far against a character limit, and `GET /v1/user/subscription`
 * built from them. A synthesis is charged its `character-cost` when it is accepted; one that would go over the limit
 * is refused with the real API's quota error, and nothing is charged for it.
 */

/** The default character limit: generous, so that a development server or a test suite does not run out. */
export const DEFAULT_CHARACTER_LIMIT = 1_000_000;

export interface QuotaRefusal {
  status: 401;
  body: { detail: { status: "quota_exceeded"; message: string } };
}

export interface Account {
  /** Characters billed since the server started. */
  readonly characterCount: number;
  readonly characterLimit: number;
  /** Bill `cost` characters, or say why not (the count is unchanged then). */
  charge(cost: number): QuotaRefusal | undefined;
  /** Give back what a synthesis that failed before answering was charged. */
  refund(cost: number): void;
  /** The `GET /v1/user/subscription` answer (ExtendedSubscriptionResponseModel). */
  subscription(): Record<string, unknown>;
}

const MONTH_SECONDS = 30 * 24 * 60 * 60;

export function createAccount(characterLimit = DEFAULT_CHARACTER_LIMIT, now = Date.now()): Account {
  if (!Number.isSafeInteger(characterLimit) || characterLimit < 0) {
    throw new RangeError(`characterLimit must be a whole number of characters, 0 or more, got ${characterLimit}`);
  }
  let count = 0;
  const resetAt = Math.floor(now / 1000) + MONTH_SECONDS;
  return {
    get characterCount() {
      return count;
    },
    characterLimit,
    charge(cost) {
      const remaining = Math.max(0, characterLimit - count);
      if (cost > remaining) {
        // The API's words, which clients parse for the two counts.
        const message =
          `This request exceeds your quota of ${characterLimit}. You have ${remaining} credits remaining, ` +
          `while ${cost} credits are required for this request.`;
        return { status: 401, body: { detail: { status: "quota_exceeded", message } } };
      }
      count += cost;
      return undefined;
    },
    refund(cost) {
      count = Math.max(0, count - cost);
    },
    subscription: () => ({
      tier: "free",
      character_count: count,
      character_limit: characterLimit,
      max_character_limit_extension: null,
      can_extend_character_limit: false,
      allowed_to_extend_character_limit: false,
      next_character_count_reset_unix: resetAt,
      voice_slots_used: 0,
      professional_voice_slots_used: 0,
      voice_limit: 3,
      max_voice_add_edits: null,
      voice_add_edit_counter: 0,
      professional_voice_limit: 0,
      can_extend_voice_limit: false,
      can_use_instant_voice_cloning: false,
      can_use_professional_voice_cloning: false,
      currency: "usd",
      status: "free",
      billing_period: "monthly_period",
      character_refresh_period: "monthly_period",
      next_invoice: null,
      has_open_invoices: false,
      pending_change: null,
    }),
  };
}
