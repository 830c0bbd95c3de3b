/**
 * Which local files `file` sources may name (local mode). The adapter resolves paths on disk
 * (symlinks, `..`); the management use-cases ask it before a source is saved, and the tailer
 * asks it again before every read, because the file can change after the source was saved.
 */
export interface FileAccess {
  /**
   * Checks a path a `file` source is about to be saved with. A file that does not exist yet is
   * allowed when its directory is inside the allowed ones (a log that appears later); anything
   * outside them, or that is not a regular file, is refused. Throws
   * {@link import('./errors.ts').SourceReadError} whose message says why and how to fix it.
   */
  checkPath(path: string): Promise<void>;
}
