/** An error whose message is meant for the user as is (no stack trace). */
export class SpecError extends Error {}
