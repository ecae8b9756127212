/**
 * `client.raw`: openapi-fetch's typed client over every path of the spec, as users get it. Calls go through the same
 * transport as the facade, which throws an ElevenLabsError for a failing status, so a call resolves only with the
 * success branch: `data` is set (its type says so, unlike openapi-fetch's own, which allows `{ error }` instead).
 */
import type { Client, ClientPathsWithMethod, FetchResponse, MaybeOptionalInit, Middleware } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import { checkHeaders } from "./core/check.js";
import { ElevenLabsError, invalid } from "./core/errors.js";

type HttpMethod = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";
type MediaType = `${string}/${string}`;
/** openapi-fetch's: the init argument is optional when nothing in it is required. */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type InitParam<Init> =
  RequiredKeys<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];
/** The success branch of openapi-fetch's result: `{ data, response }`, `data` set. */
type Success<R> = Extract<R, { data: unknown }>;

type Paths = Record<string, Record<HttpMethod, object>>;

/** One HTTP method of `client.raw`, e.g. `client.raw.POST(path, init)`. */
export type RawMethod<P extends Paths, Method extends HttpMethod> = <
  Path extends ClientPathsWithMethod<Client<P>, Method>,
  Init extends MaybeOptionalInit<P[Path], Method>,
>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<Success<FetchResponse<P[Path][Method], Init, MediaType>>>;

/** `client.raw.request(method, path, init)`. */
export type RawRequestMethod<P extends Paths> = <
  Method extends HttpMethod,
  Path extends ClientPathsWithMethod<Client<P>, Method>,
  Init extends MaybeOptionalInit<P[Path], Method>,
>(
  method: Method,
  url: Path,
  ...init: InitParam<Init>
) => Promise<Success<FetchResponse<P[Path][Method], Init, MediaType>>>;

/**
 * `client.raw`: openapi-fetch's Client over `paths`, whose calls resolve with `data` set. `P` is constrained as
 * openapi-fetch's Client constrains it (`{}`): a generated `paths` interface has no index signature.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RawClient<P extends {} = paths> {
  GET: RawMethod<P, "get">;
  PUT: RawMethod<P, "put">;
  POST: RawMethod<P, "post">;
  DELETE: RawMethod<P, "delete">;
  OPTIONS: RawMethod<P, "options">;
  HEAD: RawMethod<P, "head">;
  PATCH: RawMethod<P, "patch">;
  TRACE: RawMethod<P, "trace">;
  /** `client.raw.request("post", path, init)`. */
  request: RawRequestMethod<P>;
  /** Register openapi-fetch middleware: it sees the facade's calls too. */
  use(...middleware: Middleware[]): void;
  /** Unregister middleware. */
  eject(...middleware: Middleware[]): void;
}

/**
 * `client.raw` as users get it: openapi-fetch's client, with each call's headers checked before sending, anything
 * thrown turned into an ElevenLabsError (its `cause` the original), and the middleware registered with use() noted,
 * so that the facade's calls build the web Request that middleware expects.
 */
export function shield(raw: Client<paths>, middleware: Middleware[], baseUrl: string): RawClient {
  const wrap = (cause: unknown, what: string): ElevenLabsError =>
    cause instanceof ElevenLabsError
      ? cause
      : new ElevenLabsError(`client.raw.${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
          cause,
        });
  const origin = new URL(baseUrl).origin;
  /** The init as openapi-fetch gets it: headers checked and made a record, the base URL kept to the client's origin. */
  const check = (init: RawInit): RawInit => {
    const out = { ...init, headers: checkHeaders(init.headers, "init.headers") };
    if (init.params?.header)
      out.params = { ...init.params, header: checkHeaders(init.params.header, "init.params.header") };
    if (init.baseUrl !== undefined && !URL.canParse(init.baseUrl)) invalid("init.baseUrl", "is not a URL");
    if (init.baseUrl !== undefined && new URL(init.baseUrl).origin !== origin) {
      invalid("init.baseUrl", `must be on the client's origin (${origin}): the API key goes nowhere else`);
    }
    // Binary answers (audio) are compressed already, and a lenient decompressor could hand over a cut body whole.
    if (init.parseAs && init.parseAs !== "json" && init.parseAs !== "text") {
      out.headers = { "accept-encoding": "identity", ...out.headers };
    }
    return out;
  };
  const out: Record<string, unknown> = {
    use(...added: Middleware[]) {
      try {
        raw.use(...added);
      } catch (cause) {
        throw wrap(cause, "use");
      }
      // The same list as openapi-fetch keeps (it does not expose its own): a middleware added twice and ejected once
      // is still there.
      for (const m of added) if (m) middleware.push(m);
    },
    eject(...removed: Middleware[]) {
      raw.eject(...removed);
      for (const m of removed) {
        const at = middleware.indexOf(m);
        if (at !== -1) middleware.splice(at, 1);
      }
    },
  };
  for (const [name, method] of Object.entries(raw)) {
    out[name] ??= async (...args: unknown[]) => {
      const init = args.at(-1);
      if (init && typeof init === "object") args[args.length - 1] = check(init);
      try {
        return await (method as (...a: unknown[]) => unknown)(...args);
      } catch (cause) {
        throw wrap(cause, name);
      }
    };
  }
  return out as unknown as RawClient;
}

/** What shield() reads of a call's init. */
interface RawInit {
  headers?: unknown;
  params?: { header?: unknown };
  baseUrl?: string;
  parseAs?: string;
}
