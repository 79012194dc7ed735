import { readFile } from "node:fs/promises";
import { WebIdentityTokenFileError } from "./errors.js";

/** How the token file is read; injectable for tests. */
export interface TokenFileReader {
  readFile: (path: string) => Promise<string>;
  sleep: (ms: number) => Promise<void>;
}

/** Attempts before a missing or empty file is reported; the kubelet's `..data` swap makes it vanish for an instant. */
export const TOKEN_READ_ATTEMPTS = 4;
const RETRY_DELAY_MS = 25;

/** The real file system and a real timer. */
export const defaultTokenFileReader: TokenFileReader = {
  readFile: (path) => readFile(path, "utf8"),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Reads the token asynchronously, retrying a read that races the kubelet's symlink swap. */
export async function readTokenFile(path: string, reader: TokenFileReader): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    let text: string;
    try {
      text = (await reader.readFile(path)).trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (code === "ENOENT" && attempt < TOKEN_READ_ATTEMPTS) {
        await reader.sleep(RETRY_DELAY_MS * attempt);
        continue;
      }
      const why =
        code === "ENOENT"
          ? "it does not exist. Check that the projected volume is mounted at that path"
          : code === "EACCES"
            ? "permission denied. Give the pod's user read access, e.g. securityContext.fsGroup"
            : code === "EISDIR"
              ? "it is a directory. Point at the token file inside the projected volume (e.g. …/serviceaccount/token)"
              : `${code ?? "read error"}. Check the path and the volume`;
      throw new WebIdentityTokenFileError(
        "WEB_IDENTITY_TOKEN_FILE_UNREADABLE",
        path,
        `Cannot read the web identity token file ${path}: ${why} (AWS_WEB_IDENTITY_TOKEN_FILE or webIdentityTokenFile).`,
        error,
      );
    }
    if (text !== "") return text;
    if (attempt >= TOKEN_READ_ATTEMPTS) {
      throw new WebIdentityTokenFileError(
        "WEB_IDENTITY_TOKEN_FILE_EMPTY",
        path,
        `The web identity token file ${path} is empty. Check that it is a projected serviceAccountToken volume.`,
      );
    }
    await reader.sleep(RETRY_DELAY_MS * attempt);
  }
}
