import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";

/**
 * Writes a file only its owner may read (0600), atomically: a temporary file beside it, synced, then renamed over
 * it, so a reader sees the old content or the new, never a part, and a crash leaves no half-written secret.
 */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  // A random suffix, not only the pid: in a container the pid is the same at every restart, and a volume keeps a
  // temporary file left by a crash.
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const handle = await open(temporary, "wx", 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
