import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { ContainerTokenFileError } from "./errors.js";

/** The authorization token of the container-credentials route. */
export interface ContainerToken {
  /** The current token; a file given by the user is re-read on each call so it can be rotated. */
  read(): Promise<string>;
  /** Whether the sidecar makes the token (and so writes the file in {@link publish} and removes it on shutdown). */
  readonly created: boolean;
  /**
   * Writes a token the sidecar made to the file (mode 0600, atomically); does nothing for a token given by the user.
   * Called once the server listens: the file's appearance is the signal (a startup probe, an app's first read) that
   * credentials can be had.
   * @throws ContainerTokenFileError when the file cannot be written
   */
  publish(): Promise<void>;
  /** Removes the file if the sidecar wrote it. */
  dispose(): Promise<void>;
}

/**
 * Uses the token in `file`, or, when the file does not exist, makes a random one for {@link ContainerToken.publish} to
 * write there, for the application container to read through `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`.
 * @throws ContainerTokenFileError when an existing file cannot be read or holds no token
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
      publish: async () => undefined,
      dispose: async () => undefined,
    };
  }
  const token = randomBytes(32).toString("base64url");
  let published = false;
  return {
    created: true,
    read: () => Promise.resolve(token),
    async publish() {
      await writeAtomically(file, token);
      published = true;
    },
    dispose: async () => {
      if (published) await unlink(file).catch(() => undefined);
    },
  };
}

async function writeAtomically(file: string, token: string): Promise<void> {
  // A random suffix, not only the pid: in a container the pid is the same at every restart, and an emptyDir keeps a
  // temporary file left by a crash.
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
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
