/**
 * The local file system as `file` sources may see it: regular files under the directories
 * VIGIL_FILE_ROOTS lists, resolved with realpath so neither symlinks nor `..` lead out, and
 * opened so that nothing can block (a FIFO, a device or a socket is refused before `open`, and
 * `open` itself never waits).
 */
import { constants, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, delimiter, dirname, isAbsolute, join, sep } from 'node:path';
import type { FileAccess } from '#domain/collect/file-access.ts';
import { SourceReadError } from '#domain/collect/errors.ts';

/** What to tell an operator who has not allowed any directory. */
export const FILE_ROOTS_HINT =
  `file sources are turned off: start local mode with VIGIL_FILE_ROOTS set to the directories they may read ` +
  `(absolute paths separated by "${delimiter}", e.g. VIGIL_FILE_ROOTS=/var/log/myapp npm start)`;

// O_NONBLOCK: a FIFO swapped in between the type check and open() cannot hold a libuv thread.
// O_NOFOLLOW: the resolved path's last component cannot become a symlink in that window either.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}

/** What a non-regular file is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(path: string, stats: Stats): SourceReadError {
  return new SourceReadError(`${path} is ${kindOf(stats)}; file sources read regular files only`, 'invalid');
}

function fileError(error: unknown, path: string): SourceReadError {
  switch (errorCode(error)) {
    case 'ENOENT':
      return new SourceReadError(`file ${path} not found`, 'not_found', { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new SourceReadError(`no permission to read file ${path}`, 'permission', { cause: error });
    case 'ENOTDIR':
      return new SourceReadError(`${path} goes through something that is not a directory`, 'invalid', { cause: error });
    case 'ELOOP':
      return new SourceReadError(`${path} changed into a symlink while it was being opened; try again`, 'invalid', { cause: error });
    default:
      return new SourceReadError(`cannot read file ${path}: ${error instanceof Error ? error.message : String(error)}`, 'other', { cause: error });
  }
}

/** `path` is `dir` or below it (both resolved). */
function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

/** An opened regular file, ready to read. */
export interface OpenedFile {
  handle: FileHandle;
  size: number;
}

export class LocalFileAccess implements FileAccess {
  private constructor(
    /** Resolved (realpath) allowed directories. */
    readonly roots: readonly string[],
    /** Resolved directories refused even inside a root (Vigil's own data). */
    private readonly denied: readonly string[],
  ) {}

  /**
   * Resolves the allowed directories once, at start: each must exist and be a directory.
   * `denied` (Vigil's data directory) stays unreadable even when a root contains it.
   */
  static async create(options: { roots: readonly string[]; denied?: readonly string[] }): Promise<LocalFileAccess> {
    const roots: string[] = [];
    for (const root of options.roots) {
      if (!isAbsolute(root)) throw new Error(`VIGIL_FILE_ROOTS: ${root} is not an absolute path`);
      let resolved: string;
      try {
        resolved = await realpath(root);
      } catch (error) {
        throw new Error(`VIGIL_FILE_ROOTS: cannot use ${root}: ${errorCode(error) === 'ENOENT' ? 'no such directory' : String(error)}`, { cause: error });
      }
      if (!(await stat(resolved)).isDirectory()) throw new Error(`VIGIL_FILE_ROOTS: ${root} is not a directory`);
      roots.push(resolved);
    }
    const denied: string[] = [];
    for (const dir of options.denied ?? []) {
      // A data directory not created yet cannot hold anything to protect; it is resolved as far as it exists.
      denied.push(await resolveAllowingMissing(dir).then((r) => r.resolved).catch(() => dir));
    }
    return new LocalFileAccess(roots, denied);
  }

  async checkPath(path: string): Promise<void> {
    await this.regularFile(path);
  }

  /**
   * Opens an allowed regular file for reading, checking again everything {@link checkPath}
   * checked (the file may have changed since the source was saved). The caller closes it.
   */
  async open(path: string): Promise<OpenedFile> {
    const file = await this.regularFile(path);
    if (file === null) throw new SourceReadError(`file ${path} not found`, 'not_found');
    const { resolved, stats: before } = file;
    let handle: FileHandle;
    try {
      handle = await open(resolved, OPEN_FLAGS);
    } catch (error) {
      throw fileError(error, path);
    }
    try {
      const opened = await handle.stat();
      if (!opened.isFile()) throw notRegular(path, opened);
      if (opened.ino !== before.ino || opened.dev !== before.dev) {
        throw new SourceReadError(`${path} was replaced while it was being opened; try again`, 'invalid');
      }
      return { handle, size: opened.size };
    } catch (error) {
      await handle.close();
      throw error instanceof SourceReadError ? error : fileError(error, path);
    }
  }

  /** The resolved regular file `path` names, or null when it does not exist (yet); anything else is refused. */
  private async regularFile(path: string): Promise<{ resolved: string; stats: Stats } | null> {
    const { resolved, exists } = await this.resolve(path);
    if (!exists) return null;
    let stats: Stats;
    try {
      stats = await stat(resolved);
    } catch (error) {
      throw fileError(error, path);
    }
    if (!stats.isFile()) throw notRegular(path, stats);
    return { resolved, stats };
  }

  /** The real path `path` names, refused unless it is inside a root and outside Vigil's data. */
  private async resolve(path: string): Promise<{ resolved: string; exists: boolean }> {
    if (this.roots.length === 0) throw new SourceReadError(FILE_ROOTS_HINT, 'unsupported');
    if (!isAbsolute(path)) throw new SourceReadError(`${path} is not an absolute path`, 'invalid');
    let result: { resolved: string; exists: boolean };
    try {
      result = await resolveAllowingMissing(path);
    } catch (error) {
      throw error instanceof SourceReadError ? error : fileError(error, path);
    }
    if (!this.roots.some((root) => within(result.resolved, root))) {
      throw new SourceReadError(
        `${path} is outside the directories file sources may read (VIGIL_FILE_ROOTS: ${this.roots.join(delimiter)}); ` +
          'symlinks and .. are followed before this check',
        'permission',
      );
    }
    if (this.denied.some((dir) => within(result.resolved, dir))) {
      throw new SourceReadError(`${path} is inside Vigil's own data directory, which file sources may not read`, 'permission');
    }
    return result;
  }
}

/**
 * realpath of `path`; when it does not exist, realpath of its nearest existing ancestor joined
 * with the missing names (which may not be `.` or `..`: they could not be resolved safely).
 */
async function resolveAllowingMissing(path: string): Promise<{ resolved: string; exists: boolean }> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      const resolved = await realpath(current);
      return { resolved: missing.length === 0 ? resolved : join(resolved, ...missing), exists: missing.length === 0 };
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    const name = basename(current);
    const parent = dirname(current);
    if (parent === current) throw new SourceReadError(`file ${path} not found`, 'not_found');
    if (name === '.' || name === '..') {
      throw new SourceReadError(`${path} uses ${name} through a directory that does not exist`, 'invalid');
    }
    missing.unshift(name);
    current = parent;
  }
}

/** VIGIL_FILE_ROOTS as a list: entries separated by the platform's path delimiter, blanks dropped. */
export function parseFileRoots(value: string | undefined): string[] {
  return (value ?? '').split(delimiter).map((entry) => entry.trim()).filter((entry) => entry.length > 0);
}
