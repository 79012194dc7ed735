import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { ContainerTokenFileError } from "./errors.js";

/** The authorization token of the container-credentials route. */
export interface ContainerToken {
  /** The current token; a file given by the user is re-read on each call so it can be rotated. */
  read(): Promise<string>;
  /** Whether the sidecar wrote the file (and so removes it on shutdown). */
  readonly created: boolean;
  /** Removes the file if the sidecar wrote it. */
  dispose(): Promise<void>;
}

/**
 * Uses the token in `file`, or, when the file does not exist, writes a random one there (mode 0600, atomically) for
 * the application container to read through `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`.
 */
export async function prepareContainerToken(file: string): Promise<ContainerToken> {
  let existing: string | undefined;
  try {
    existing = await readToken(file);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ENOENT") throw error;
  }
  if (existing !== undefined) {
    let last = existing;
    return {
      created: false,
      async read() {
        try {
          last = await readToken(file);
        } catch {
          // Mid-rotation (file briefly missing or empty): the previous token still stands.
        }
        return last;
      },
      dispose: async () => undefined,
    };
  }
  const token = randomBytes(32).toString("base64url");
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    const handle = await open(temporary, "wx", 0o600);
    try {
      await handle.writeFile(token);
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new ContainerTokenFileError(file, "cannot be written", error);
  }
  return {
    created: true,
    read: () => Promise.resolve(token),
    dispose: () => unlink(file).catch(() => undefined),
  };
}

async function readToken(file: string): Promise<string> {
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") throw error;
    throw new ContainerTokenFileError(file, "cannot be read", error);
  }
  const token = content.trim();
  if (token === "" || /[\r\n]/.test(token)) {
    throw new ContainerTokenFileError(file, "must hold one non-empty line");
  }
  return token;
}
