import type { IncomingMessage } from "node:http";

/**
 * Reads a request's whole body; `undefined` when it is longer than `maxBytes`. An oversized body is still read to its
 * end (and dropped), so the server can answer on a connection that is still usable.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
