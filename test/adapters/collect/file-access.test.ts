import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_ROOTS_HINT, LocalFileAccess, parseFileRoots } from '#adapters/files/file-access.ts';
import { LocalFileTailer } from '#adapters/files/file-tailer.ts';

describe('LocalFileAccess', () => {
  let base: string;
  let root: string;
  let outside: string;
  let data: string;
  let socketServer: Server;
  let access: LocalFileAccess;

  beforeAll(async () => {
    // Prepare: a root with a log, a FIFO, a socket, a nested data directory and links in and out.
    base = await mkdtemp(join(tmpdir(), 'vigil-access-'));
    root = join(base, 'root');
    outside = join(base, 'outside');
    data = join(root, '.vigil');
    await mkdir(join(root, 'logs'), { recursive: true });
    await mkdir(outside);
    await mkdir(data);
    await writeFile(join(root, 'logs', 'app.log'), 'a\nb\n');
    await writeFile(join(outside, 'secret'), 'secret\n');
    await writeFile(join(data, 'shared-local-instance.db'), 'db');
    await symlink(join(outside, 'secret'), join(root, 'out.log'));
    await symlink(outside, join(root, 'outdir'));
    await symlink(join(root, 'logs', 'app.log'), join(root, 'in.log'));
    execFileSync('mkfifo', [join(root, 'pipe')]);
    socketServer = createServer();
    await new Promise<void>((done) => socketServer.listen(join(root, 'sock'), () => done()));
    access = await LocalFileAccess.create({ roots: [root], denied: [data] });
  });

  afterAll(async () => {
    await new Promise<void>((done) => socketServer.close(() => done()));
    await rm(base, { recursive: true, force: true });
  });

  it('accepts regular files inside a root, through symlinks that stay inside, and missing files whose directory is inside', async () => {
    await expect(access.checkPath(join(root, 'logs', 'app.log'))).resolves.toBeUndefined();
    await expect(access.checkPath(join(root, 'in.log'))).resolves.toBeUndefined();
    await expect(access.checkPath(join(root, 'logs', '..', 'logs', 'app.log'))).resolves.toBeUndefined();
    await expect(access.checkPath(join(root, 'not-yet', 'app.log'))).resolves.toBeUndefined();
  });

  it.each([
    ['a file outside', () => '/etc/shadow', 'is outside the directories file sources may read', 'permission'],
    ['a symlink leading out', () => join(root, 'out.log'), 'is outside the directories file sources may read', 'permission'],
    ['a file under a symlinked directory leading out', () => join(root, 'outdir', 'secret'), 'is outside the directories file sources may read', 'permission'],
    ['.. leading out', () => `${root}/logs/../../outside/secret`, 'is outside the directories file sources may read', 'permission'],
    ['a missing file outside', () => join(outside, 'nothing', 'here'), 'is outside the directories file sources may read', 'permission'],
    ['.. through a missing directory', () => `${root}/gone/../../outside/secret`, 'uses .. through a directory that does not exist', 'invalid'],
    ["Vigil's own data", () => join(data, 'shared-local-instance.db'), "is inside Vigil's own data directory", 'permission'],
    ['a FIFO', () => join(root, 'pipe'), 'is a FIFO (named pipe); file sources read regular files only', 'invalid'],
    ['a socket', () => join(root, 'sock'), 'is a socket; file sources read regular files only', 'invalid'],
    ['a directory', () => join(root, 'logs'), 'is a directory; file sources read regular files only', 'invalid'],
    ['a relative path', () => 'logs/app.log', 'is not an absolute path', 'invalid'],
  ])('refuses %s, when saving and when reading', async (_case, pathOf, reason, kind) => {
    const path = pathOf();

    const refusal = { name: 'SourceReadError', message: expect.stringContaining(`${path} ${reason}`), reason: kind };

    await expect(access.checkPath(path)).rejects.toMatchObject(refusal);
    await expect(access.open(path)).rejects.toMatchObject(refusal);
  });

  it('refuses a character device', async () => {
    const devices = await LocalFileAccess.create({ roots: ['/dev'] });

    await expect(devices.checkPath('/dev/null')).rejects.toThrow('/dev/null is a character device; file sources read regular files only');
    await expect(devices.open('/dev/zero')).rejects.toThrow('/dev/zero is a character device; file sources read regular files only');
  });

  it('with no roots refuses everything and says how to allow a directory', async () => {
    const none = await LocalFileAccess.create({ roots: [] });

    await expect(none.checkPath(join(root, 'logs', 'app.log'))).rejects.toThrow(FILE_ROOTS_HINT);
    expect(FILE_ROOTS_HINT).toMatch(/VIGIL_FILE_ROOTS=\/var\/log\/myapp npm start/);
  });

  it('refuses roots that are missing, relative or not directories', async () => {
    await expect(LocalFileAccess.create({ roots: [join(base, 'nope')] })).rejects.toThrow(`VIGIL_FILE_ROOTS: cannot use ${join(base, 'nope')}: no such directory`);
    await expect(LocalFileAccess.create({ roots: ['var/log'] })).rejects.toThrow('VIGIL_FILE_ROOTS: var/log is not an absolute path');
    await expect(LocalFileAccess.create({ roots: [join(root, 'logs', 'app.log')] })).rejects.toThrow('is not a directory');
  });

  it('parses the root list on the path delimiter, dropping blanks', () => {
    expect(parseFileRoots(' /var/log/a :: /srv/logs ')).toEqual(['/var/log/a', '/srv/logs']);
    expect(parseFileRoots(undefined)).toEqual([]);
  });

  it('checks again at read time: a file swapped for a FIFO or a symlink out after saving is refused, and nothing blocks', async () => {
    // Prepare: saved while it was a regular file.
    const path = join(root, 'swapped.log');
    await writeFile(path, 'fine\n');
    await access.checkPath(path);
    const tailer = new LocalFileTailer({ access });
    await rm(path);
    execFileSync('mkfifo', [path]);

    // Act: more reads than libuv has threads (4): a blocking open() on the FIFO would hang them all.
    const reads = await Promise.allSettled(Array.from({ length: 8 }, () => tailer.tail(path, { maxLines: 5, deadline: Date.now() + 60_000 })));
    const afterwards = await tailer.tail(join(root, 'logs', 'app.log'), { maxLines: 5, deadline: Date.now() + 60_000 });
    await rm(path);
    await symlink(join(outside, 'secret'), path);
    const throughLink = tailer.tail(path, { maxLines: 5, deadline: Date.now() + 60_000 });

    // Assess
    expect(reads.every((r) => r.status === 'rejected' && String(r.reason).includes('is a FIFO (named pipe)'))).toBe(true);
    expect(afterwards.lines.map((l) => l.text)).toEqual(['a', 'b']);
    await expect(throughLink).rejects.toThrow('is outside the directories file sources may read');
  }, 30_000);
});
