/**
 * The `fetch` CreateSession uses by default: undici's, on an agent with a connect timeout of its own (the global
 * `fetch` waits up to 10 s for a connection, whatever the caller's deadline says, and cannot be told otherwise).
 * undici is loaded at the first call, so importing this package stays cheap.
 */
export function createSessionFetch(connectTimeoutMs: number): typeof fetch {
  let ready: Promise<typeof fetch> | undefined;
  return async (input, init) => {
    ready ??= import("undici").then(({ Agent, fetch: undiciFetch }) => {
      const dispatcher = new Agent({ connect: { timeout: connectTimeoutMs } });
      // undici's Request and Response are the classes the global fetch uses; only their declared types differ.
      return ((url: string | URL, options: RequestInit = {}) =>
        undiciFetch(url, { ...(options as object), dispatcher })) as unknown as typeof fetch;
    });
    ready.catch(() => {
      ready = undefined;
    });
    return (await ready)(input, init);
  };
}
