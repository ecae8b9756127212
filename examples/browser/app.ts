// The page's module: bundled for the browser by serve.ts (esbuild, platform "browser"), which resolves
// "elevenlabs-fetch" through the package's exports to its browser build (the `default` condition).
import { ElevenLabsClient, ElevenLabsError } from "elevenlabs-fetch";

// NEVER ship a real API key in a web page: anyone can read it. The page calls its own origin; the server there
// (serve.ts here, your backend in production) forwards /v1/* to the API and puts the real key on the request.
// This placeholder only satisfies the client's "an API key is set" check; the proxy replaces it.
const client = new ElevenLabsClient({ apiKey: "placeholder-replaced-by-the-proxy", baseUrl: location.origin });

const form = document.querySelector<HTMLFormElement>("#speak")!;
const text = document.querySelector<HTMLTextAreaElement>("#text")!;
const button = form.querySelector<HTMLButtonElement>("button")!;
const player = document.querySelector<HTMLAudioElement>("audio")!;
const status = document.querySelector<HTMLOutputElement>("#status")!;
let audioUrl: string | undefined;

function show(state: "busy" | "ready" | "error", message: string): void {
  document.body.dataset.state = state;
  status.textContent = message;
}

async function speak(): Promise<void> {
  button.disabled = true;
  show("busy", "Synthesising…");
  try {
    const audio = await client.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", {
      text: text.value,
      outputFormat: "mp3_44100_128",
    });
    const blob = await audio.blob(); // typed with the response's content type (audio/mpeg)
    if (audioUrl) URL.revokeObjectURL(audioUrl);
    audioUrl = URL.createObjectURL(blob);
    player.src = audioUrl;
    show("ready", `${blob.size} bytes, request-id ${audio.requestId ?? "none"}`);
    // Called from the click, so autoplay is allowed; if the browser still refuses, the controls are there.
    await player.play().catch((error: unknown) => {
      show("ready", `${status.textContent} (press play: ${error instanceof Error ? error.name : String(error)})`);
    });
  } catch (error) {
    show("error", error instanceof ElevenLabsError ? `${error.name}: ${error.message}` : String(error));
  } finally {
    button.disabled = false;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void speak();
});
