import { randomBytes } from "node:crypto";
import { readFile, unlink } from "node:fs/promises";
import { writePrivateFile } from "@workload-identity/core";
import { ContainerTokenFileError } from "./errors.js";

/** The authorization token of the container-credentials route. */
export interface ContainerToken {
  /**
   * The current token. A file given by the user is re-read on each call so it can be rotated: while it is briefly
   * missing or empty (mid-rotation) the previous token stands; once it holds something no client can send, this
   * rejects with {@link ContainerTokenFileError} until the file is fixed.
   */
  read(): Promise<string>;
  /** Whether the sidecar makes the token (and so writes the file in {@link publish} and removes it on shutdown). */
  readonly created: boolean;
  /**
   * Writes a token the sidecar made to the file (mode 0600, atomically, no line break); does nothing for a token given
   * by the user. Called once the server listens: the file's appearance is the signal (a startup probe, an app's first
   * read) that credentials can be had.
   * @throws ContainerTokenFileError when the file cannot be written
   */
  publish(): Promise<void>;
  /** Removes the file if the sidecar wrote it. */
  dispose(): Promise<void>;
}

/** Told when a re-read file starts or stops being refused, once per change, for the log. */
export interface ContainerTokenHooks {
  readonly onRefused?: (error: ContainerTokenFileError) => void;
  readonly onAccepted?: () => void;
}

/**
 * Uses the token in `file`, or, when the file does not exist, makes a random one for {@link ContainerToken.publish} to
 * write there, for the application container to read through `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`.
 * @throws ContainerTokenFileError when an existing file cannot be read or holds no token a client could send
 */
export async function prepareContainerToken(
  file: string,
  hooks: ContainerTokenHooks = {},
): Promise<ContainerToken> {
  let existing: string | undefined;
  try {
    existing = await readToken(file);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ENOENT") throw error;
  }
  if (existing !== undefined) {
    let last = existing;
    let refused = false;
    return {
      created: false,
      async read() {
        let content: string;
        try {
          content = await readFile(file, "utf8");
        } catch {
          return last; // mid-rotation: the file is briefly missing
        }
        if (content === "") return last; // mid-rotation: truncated before being written
        try {
          last = checkToken(file, content);
        } catch (error) {
          if (!refused) hooks.onRefused?.(error as ContainerTokenFileError);
          refused = true;
          throw error;
        }
        if (refused) hooks.onAccepted?.();
        refused = false;
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
  try {
    await writePrivateFile(file, token);
  } catch (error) {
    throw new ContainerTokenFileError(file, "cannot be written", { cause: error });
  }
}

async function readToken(file: string): Promise<string> {
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") throw error;
    throw new ContainerTokenFileError(file, "cannot be read", { cause: error });
  }
  return checkToken(file, content);
}

/** Printable ASCII, no space at either end: what every SDK can send as a header value, and get back unchanged. */
const HEADER_SAFE_TOKEN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

const writeItSo = (file: string): string =>
  "SDKs send the file's content unchanged as the Authorization header, and botocore and the JS SDK refuse a value " +
  "with a line break, inside the application, while the sidecar looks healthy. Write the token without a newline: " +
  `printf '%s' "$TOKEN" > ${file} (echo adds one); for a Kubernetes Secret, kubectl create secret generic NAME ` +
  '--from-literal=token="$TOKEN", or from a file written with printf.';

/**
 * The token in `content`, refused unless every client can send it as it is: a trailing newline (`echo > file`, a
 * Secret made from such a file) is trimmed by curl but sent as it is by botocore and the JS SDK, which then fail.
 */
function checkToken(file: string, content: string): string {
  if (HEADER_SAFE_TOKEN.test(content)) return content;
  if (content.trim() === "") throw new ContainerTokenFileError(file, "is empty", { remedy: writeItSo(file) });
  if (/[\r\n]$/.test(content)) {
    throw new ContainerTokenFileError(file, "ends with a line break", { remedy: writeItSo(file) });
  }
  throw new ContainerTokenFileError(
    file,
    "holds a character a header value cannot carry (a line break, a control character, a non-ASCII character, or a " +
      "space at either end)",
    { remedy: writeItSo(file) },
  );
}
