/**
 * The `ws` package, for the realtime WebSockets where the runtime has no WebSocket of its own (Node 20): an optional
 * peer dependency, loaded on the first realtime call; missing, it is a MissingDependencyError that names the command.
 */
import { MissingDependencyError } from "../core/errors.js";
import type { WebSocketConstructor } from "../realtime/types.js";

export const WS_INSTALL_COMMAND = "npm install ws";

let loaded: Promise<WebSocketConstructor> | undefined;

export function loadWebSocket(): Promise<WebSocketConstructor> {
  loaded ??= import("ws").then(
    (module) => (module.WebSocket ?? module.default) as unknown as WebSocketConstructor,
    (error: unknown) => {
      loaded = undefined;
      const code = (error as { code?: unknown } | null)?.code;
      if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw error;
      throw new MissingDependencyError(
        "The realtime WebSockets need a WebSocket, and this Node.js has none (Node 22 and later have one): " +
          `install the ws package with:\n  ${WS_INSTALL_COMMAND}`,
        ["ws"],
        WS_INSTALL_COMMAND,
      );
    },
  );
  return loaded;
}
