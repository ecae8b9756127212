/**
 * elevenlabs-fetch/mock: a local ElevenLabs-compatible server for offline development and tests (Node only).
 *
 * @example
 * const mock = await startMockServer();
 * const client = new ElevenLabsClient({ apiKey: "any", baseUrl: mock.url });
 * // … mock.requests has what the client sent (key redacted) …
 * await mock.close();
 */
export { startMockServer, type MockServer, type MockServerOptions, type RecordedRequest } from "./server.js";
export { FAULT_NAMES, parseFault, type Fault, type FaultName } from "./faults.js";
export { MissingDependencyError, MOCK_INSTALL_COMMAND, MOCK_PACKAGES } from "./deps.js";
