/**
 * Fault injection for the local server. A fault is named by a short string, optionally with settings:
 *
 *   429                      429 Too Many Requests with `Retry-After: 1` (429:retry-after=3, 429:retry-after-ms=150,
 *                            429:retry-after-date=2 for an HTTP date 2 s ahead)
 *   500 | 502 | 503          that status; 502 has an HTML body like a proxy's (each takes retry-after… too)
 *   reset-before-headers     the connection is destroyed before any response
 *   reset-mid-body           headers and the first audio chunk, then the connection is destroyed
 *   short-body               Content-Length says more than is sent, then the connection closes
 *   stall-after-headers      headers (and stall:bytes=N bytes) are sent, then nothing, until the client gives up
 *   slow-drip                the audio is sent in small pieces with pauses (slow-drip:bytes=64,interval=20)
 *   redirect                 307 to the same URL on the same origin (redirect:status=301|302|303|307|308)
 *   redirect-cross-origin    307 to the same path on another origin (a second listener on 127.0.0.2)
 *   json-200                 200 with `Content-Type: application/json` and an error body instead of audio
 *
 * The realtime WebSocket endpoints have their own (`ws-…:after=N` acts once N audio messages are sent, default 1):
 *
 *   ws-drop                  the connection is destroyed without a close frame (the client sees 1006)
 *   ws-stall                 no more audio (nor isFinal); the socket stays open until the client gives up
 *   ws-refuse-key            the key is refused, whatever it is: an error message and close 1008
 *   ws-1011                  an error message and close 1011 (server error)
 *
 * Ask for one per request with the `x-mock-fault` header (or, for a WebSocket, the `mock_fault` query parameter, which
 * browsers can set), or queue them with the server's `faults` option or `server.fault(...)`: an HTTP request takes
 * the first queued HTTP fault, a WebSocket the first queued `ws-` fault. A WebSocket handshake also takes 429, 5xx and
 * reset-before-headers from the header or the query parameter, answered before the upgrade.
 */

import { ValidationError } from "../core/errors.js";

export const FAULT_NAMES = [
  "429",
  "500",
  "502",
  "503",
  "reset-before-headers",
  "reset-mid-body",
  "short-body",
  "stall-after-headers",
  "slow-drip",
  "redirect",
  "redirect-cross-origin",
  "json-200",
  "ws-drop",
  "ws-stall",
  "ws-refuse-key",
  "ws-1011",
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

export interface Fault {
  name: FaultName;
  /** Settings after the colon, e.g. { "retry-after": "3" }. */
  settings: Record<string, string>;
}

/** Parse `name[:key=value,key=value]`; throws with the list of known faults for an unknown name. */
export function parseFault(spec: string | Fault): Fault {
  if (typeof spec !== "string") return spec;
  const [name = "", rest = ""] = spec.trim().split(/:(.*)/s, 2);
  if (!(FAULT_NAMES as readonly string[]).includes(name)) {
    throw new ValidationError(
      "fault",
      `unknown fault ${JSON.stringify(name)}; known faults: ${FAULT_NAMES.join(", ")}`,
    );
  }
  const settings: Record<string, string> = {};
  for (const pair of rest.split(",").filter(Boolean)) {
    const [key = "", value = ""] = pair.split("=", 2);
    settings[key.trim()] = value.trim();
  }
  return { name: name as FaultName, settings };
}

/** Whether the fault is one of the realtime WebSocket endpoints' (`ws-…`). */
export const isSocketFault = (fault: Fault): boolean => fault.name.startsWith("ws-");

export function numberSetting(fault: Fault, key: string, fallback: number): number {
  const value = Number(fault.settings[key]);
  return fault.settings[key] !== undefined && Number.isFinite(value) ? value : fallback;
}

/** Retry-After headers for a failing status, as the settings ask (default `Retry-After: 1` for 429 only). */
export function retryHeaders(fault: Fault): Record<string, string> {
  const s = fault.settings;
  if (s["retry-after-ms"] !== undefined) return { "retry-after-ms": s["retry-after-ms"] };
  if (s["retry-after-date"] !== undefined) {
    return { "retry-after": new Date(Date.now() + Number(s["retry-after-date"]) * 1000).toUTCString() };
  }
  if (s["retry-after"] !== undefined) return { "retry-after": s["retry-after"] };
  return fault.name === "429" ? { "retry-after": "1" } : {};
}
