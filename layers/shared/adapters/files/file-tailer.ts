/**
 * `tail` inputs of `file` sources (local mode): the newest lines of a file, read backwards in
 * chunks so a large file is never loaded whole. Files are opened through {@link LocalFileAccess},
 * so only regular files under the allowed directories are read.
 */
import type { FileHandle } from 'node:fs/promises';
import { SourceReadError } from '#domain/collect/errors.ts';
import type { FileTailer, TailOptions } from '#domain/collect/ports.ts';
import type { CollectedLine, ReadResult } from '#domain/collect/types.ts';
import type { Clock } from '#domain/model/ports.ts';
import type { LocalFileAccess } from './file-access.ts';

export interface LocalFileTailerOptions {
  /** Which files may be read, and how they are opened. */
  access: LocalFileAccess;
  clock?: Clock;
  /** Bytes read per step, from the end. @default 65536 */
  chunkBytes?: number;
  /** Bytes read per tail before stopping (a rare `match` in a huge file). @default 134217728 (128 MiB) */
  maxScanBytes?: number;
  /** A longer line keeps about its first this many bytes, marked `…`. @default 65536 */
  maxLineBytes?: number;
}

const NEWLINE = 0x0a;

/** Reads files on this machine. */
export class LocalFileTailer implements FileTailer {
  private readonly access: LocalFileAccess;
  private readonly clock: Clock;
  private readonly chunkBytes: number;
  private readonly maxScanBytes: number;
  private readonly maxLineBytes: number;

  constructor(options: LocalFileTailerOptions) {
    this.access = options.access;
    this.clock = options.clock ?? { now: () => new Date() };
    this.chunkBytes = options.chunkBytes ?? 65_536;
    this.maxScanBytes = options.maxScanBytes ?? 134_217_728;
    this.maxLineBytes = options.maxLineBytes ?? 65_536;
  }

  /**
   * The newest `maxLines` non-blank lines (those `match` accepts), oldest first. Stops early at
   * the scan cap or the deadline and says so in the notes. SourceReadError when the file is
   * missing, unreadable, outside the allowed directories or not a regular file.
   */
  async tail(path: string, options: TailOptions): Promise<ReadResult> {
    const { handle, size } = await this.access.open(path);
    try {
      return await this.readBackwards(handle, size, path, options);
    } catch (error) {
      throw error instanceof SourceReadError
        ? error
        : new SourceReadError(`cannot read file ${path}: ${error instanceof Error ? error.message : String(error)}`, 'other', { cause: error });
    } finally {
      await handle.close();
    }
  }

  private async readBackwards(handle: FileHandle, size: number, path: string, options: TailOptions): Promise<ReadResult> {
    const newestFirst: string[] = [];
    const notes: string[] = [];
    const take = (bytes: Buffer, cut: boolean): void => {
      const text = bytes.toString('utf8').replace(/\r$/, '');
      if (text.trim() === '' || (options.match && !options.match.test(text))) return;
      newestFirst.push(cut ? `${text}…` : text);
    };
    let position = size;
    let carry = Buffer.alloc(0);
    let carryCut = false;
    while (position > 0 && newestFirst.length < options.maxLines) {
      if (size - position >= this.maxScanBytes) {
        notes.push(`stopped after reading the last ${this.maxScanBytes} bytes of ${path} (scan cap)`);
        break;
      }
      if (this.clock.now().getTime() >= options.deadline) {
        notes.push(`stopped reading ${path} at the time budget after ${size - position} bytes`);
        break;
      }
      const length = Math.min(this.chunkBytes, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      // '\n' never occurs inside a multi-byte UTF-8 character, so splitting bytes on it is safe.
      const buffer = Buffer.concat([chunk, carry]);
      let end = buffer.length;
      for (let i = buffer.length - 1; i >= 0 && newestFirst.length < options.maxLines; i -= 1) {
        if (buffer[i] !== NEWLINE) continue;
        take(buffer.subarray(i + 1, end), carryCut && end === buffer.length);
        if (end === buffer.length) carryCut = false;
        end = i;
      }
      carry = buffer.subarray(0, end);
      if (carry.length > this.maxLineBytes) {
        // Keep the start of an overlong line: it stays contiguous with the bytes still to read.
        carry = carry.subarray(0, this.maxLineBytes);
        carryCut = true;
      }
    }
    if (position === 0 && newestFirst.length < options.maxLines && carry.length > 0) take(carry, carryCut);
    const lines: CollectedLine[] = newestFirst.reverse().map((text) => ({ timestamp: null, text }));
    return { lines, notes };
  }
}
