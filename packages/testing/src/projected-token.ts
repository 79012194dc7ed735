import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A kubelet-style projected volume holding one `token` file. */
export interface ProjectedTokenDir {
  /** The volume's mount point. */
  readonly dir: string;
  /** `DIR/token`, what `AWS_WEB_IDENTITY_TOKEN_FILE` points at. It does not exist before the first `write`. */
  readonly tokenFile: string;
  /** Publishes a new token as the kubelet does: a new timestamped dir, an atomic swap of `..data`, old dir removed. */
  write(token: string): Promise<void>;
  /** Deletes the whole directory. */
  remove(): Promise<void>;
}

/** Options of {@link createProjectedTokenDir}. */
export interface ProjectedTokenDirOptions {
  /** The volume's mount point, created if missing. @defaultValue a fresh temporary directory */
  dir?: string;
  /** The clock that names each token's timestamped directory, as the kubelet's does. @defaultValue Date.now */
  now?: () => number;
}

const DATA_LINK = "..data";
const TOKEN = "token";

/**
 * Creates a projected-token directory laid out as the kubelet's atomic writer does:
 * `DIR/..2026_11_23_10_15_02.123456789/token`, `DIR/..data -> ..2026_…`, `DIR/token -> ..data/token`.
 */
export async function createProjectedTokenDir(options: ProjectedTokenDirOptions = {}): Promise<ProjectedTokenDir> {
  const now = options.now ?? Date.now;
  let dir: string;
  if (options.dir === undefined) {
    dir = await mkdtemp(join(tmpdir(), "projected-token-"));
  } else {
    dir = options.dir;
    await mkdir(dir, { recursive: true });
  }
  const tokenFile = join(dir, TOKEN);
  let tokenLinked = false;

  return {
    dir,
    tokenFile,
    async write(token) {
      const stamp = new Date(now()).toISOString().replace(/[-T:]/g, "_").replace(/\.\d+Z$/, "");
      const versionDir = `..${stamp}.${randomBytes(5).readUIntBE(0, 5) % 1_000_000_000}`;
      await mkdir(join(dir, versionDir), { mode: 0o755 });
      await writeFile(join(dir, versionDir, TOKEN), token, { mode: 0o644 });

      const previous = await readlink(join(dir, DATA_LINK)).catch(() => undefined);
      // rename(2) replaces the old link in one step: a reader sees the old or the new token, never none.
      const staging = join(dir, `..data_tmp`);
      await rm(staging, { force: true });
      await symlink(versionDir, staging);
      await rename(staging, join(dir, DATA_LINK));
      if (!tokenLinked) {
        await symlink(join(DATA_LINK, TOKEN), tokenFile).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "EEXIST") throw error;
        });
        tokenLinked = true;
      }
      if (previous !== undefined && previous !== versionDir) {
        await rm(join(dir, previous), { recursive: true, force: true });
      }
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
