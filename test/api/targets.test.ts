import { beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});

const target = { name: 'prod-account', type: 'aws_account', connection_config: { region: 'eu-west-1' } };

describe('POST /targets', () => {
  it('creates a target and answers 201 with its Location', async () => {
    const response = await api.call('POST', '/targets', { body: target });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ ...target, created_at: '2026-11-21T10:00:00.000Z' });
    expect(response.headers.location).toBe(`/prod/targets/${response.body.id}`);
    expect((await api.call('GET', `/targets/${response.body.id}`)).body).toEqual(response.body);
  });

  it.each([
    [{ ...target, name: '' }, 'name', 'must be at least 1 character(s)'],
    [{ ...target, name: 'x'.repeat(129) }, 'name', 'must be at most 128 characters'],
    [{ type: 'aws_account' }, 'name', 'is required'],
    [{ ...target, type: 'gcp' }, 'type', 'must be one of "aws_account", "local"'],
    [{ ...target, connection_config: { region: 'Mars' } }, 'connection_config.region', 'must be an AWS region like eu-west-1'],
    [{ ...target, connection_config: { role_arn: 'arn:aws:iam::12:role/x' } }, 'connection_config.role_arn', 'must be an IAM role ARN'],
    [{ ...target, connection_config: { external_id: 'abc' } }, 'connection_config.external_id', 'needs role_arn'],
    [{ ...target, colour: 'blue' }, 'colour', 'is not a known field'],
    [{ name: 'laptop', type: 'local' }, 'type', 'local targets exist only in local mode (npm start); use aws_account'],
  ])('rejects %j naming %s', async (body, path, message) => {
    const error = await api.expectRejected(400, 'POST', '/targets', { body });
    expect(error.error.code).toBe('validation_error');
    expect(error.error.details).toContainEqual({ path, message });
  });

  it('rejects a body that is not JSON, not an object, or not declared as JSON', async () => {
    expect((await api.expectRejected(400, 'POST', '/targets', { rawBody: '{"name":' })).error.details[0].path).toBe('body');
    expect((await api.expectRejected(400, 'POST', '/targets', { rawBody: '[1,2]' })).error.details[0]).toEqual({
      path: 'body',
      message: 'must be an object',
    });
    expect((await api.expectRejected(400, 'POST', '/targets', {})).error.details[0]).toEqual({
      path: 'body',
      message: 'is required (a JSON object)',
    });
    const media = await api.expectRejected(415, 'POST', '/targets', { body: target, headers: { 'Content-Type': 'text/plain' } });
    expect(media.error.code).toBe('unsupported_media_type');
  });

  it('rejects a body over 256 KiB with 413', async () => {
    const error = await api.expectRejected(413, 'POST', '/targets', { body: { ...target, name: 'x'.repeat(256 * 1024) } });
    expect(error.error.code).toBe('payload_too_large');
  });
});

describe('GET, PUT and DELETE /targets/{id}', () => {
  it('answers 404 for an unknown target on every method', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const error = await api.expectRejected(404, method, '/targets/01UNKNOWN', { body: { name: 'x' } });
      expect(error.error).toEqual({ code: 'not_found', message: 'target 01UNKNOWN not found', details: [] });
    }
  });

  it('updates only the fields present, merging connection_config, and ignores server fields', async () => {
    const created = (await api.call('POST', '/targets', { body: { ...target, connection_config: { region: 'eu-west-1', role_arn: 'arn:aws:iam::123456789012:role/VigilRead' } } })).body;
    api.clock.set('2026-11-21T10:30:00.000Z');

    const response = await api.call('PUT', `/targets/${created.id}`, {
      body: { ...created, name: 'renamed', connection_config: { external_id: 'vigil-ext-1' } },
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      ...created,
      name: 'renamed',
      connection_config: { region: 'eu-west-1', role_arn: 'arn:aws:iam::123456789012:role/VigilRead', external_id: 'vigil-ext-1' },
      updated_at: '2026-11-21T10:30:00.000Z',
    });
  });

  it('removes a connection setting given as null, and rejects an invalid merge unchanged', async () => {
    const created = (await api.call('POST', '/targets', { body: target })).body;

    expect((await api.call('PUT', `/targets/${created.id}`, { body: { connection_config: { region: null } } })).body.connection_config).toEqual({});
    const error = await api.expectRejected(400, 'PUT', `/targets/${created.id}`, { body: { name: '' } });
    expect(error.error.details).toEqual([{ path: 'name', message: 'must be at least 1 character(s)' }]);
  });

  it('refuses to delete a target that log sources use (409), then deletes it (204)', async () => {
    const created = (await api.call('POST', '/targets', { body: target })).body;
    const source = (await api.call('POST', '/log-sources', {
      body: { target_id: created.id, name: 'orders', mode: 'cloudwatch_logs', config: { log_group_names: ['/ecs/orders'] } },
    })).body;

    const conflict = await api.expectRejected(409, 'DELETE', `/targets/${created.id}`);
    expect(conflict.error).toEqual({
      code: 'conflict',
      message: `target ${created.id} is used by 1 log source(s); delete them first`,
      details: [],
    });

    expect((await api.call('DELETE', `/log-sources/${source.id}`)).status).toBe(204);
    const deleted = await api.call('DELETE', `/targets/${created.id}`);
    expect(deleted.status).toBe(204);
    expect((await api.call('GET', `/targets/${created.id}`)).status).toBe(404);
  });
});

describe('GET /targets', () => {
  it('pages with limit and next_token', async () => {
    const fresh = await createApiHarness();
    for (const name of ['a', 'b', 'c']) await fresh.call('POST', '/targets', { body: { ...target, name } });

    const first = await fresh.call('GET', '/targets', { query: { limit: '2' } });
    const second = await fresh.call('GET', '/targets', { query: { limit: '2', next_token: first.body.next_token } });

    expect(first.body.items.map((t: { name: string }) => t.name)).toEqual(['a', 'b']);
    expect(second.body).toEqual({ items: [expect.objectContaining({ name: 'c' })], next_token: null });
  });

  it.each([
    [{ limit: '0' }, 'limit', 'must be at least 1'],
    [{ limit: '101' }, 'limit', 'must be at most 100'],
    [{ limit: 'ten' }, 'limit', 'must be a whole number written in digits'],
    [{ limit: '0x10' }, 'limit', 'must be a whole number written in digits'],
    [{ limit: '  5' }, 'limit', 'must be a whole number written in digits'],
    [{ limit: '1e1' }, 'limit', 'must be a whole number written in digits'],
    [{ limit: '+5' }, 'limit', 'must be a whole number written in digits'],
    [{ limit: '5.0' }, 'limit', 'must be a whole number written in digits'],
    [{ next_token: 'garbage' }, 'next_token', 'is not a token from this list'],
    [{ colour: 'blue' }, 'colour', 'is not a known field'],
  ])('rejects %j', async (query, path, message) => {
    const error = await api.expectRejected(400, 'GET', '/targets', { query });
    expect(error.error.details).toEqual([{ path, message }]);
  });
});

describe('hostile bodies', () => {
  it('names a __proto__ field as unknown on create and on update, and changes nothing', async () => {
    const created = (await api.call('POST', '/targets', { body: target })).body;

    const onCreate = await api.expectRejected(400, 'POST', '/targets', { rawBody: '{"name":"x","type":"aws_account","__proto__":{"admin":true}}' });
    const onUpdate = await api.expectRejected(400, 'PUT', `/targets/${created.id}`, { rawBody: '{"__proto__":{"name":"owned"}}' });

    expect(onCreate.error.details).toEqual([{ path: '__proto__', message: 'is not a known field' }]);
    expect(onUpdate.error.details).toEqual([{ path: '__proto__', message: 'is not a known field' }]);
  });
});

describe('paths are not normalised', () => {
  it.each(['//', '/.', '/..', '/%2e%2e', '\\', '%5C', '/', ''])('answers 404 for /targets/<id> written with %j and changes nothing', async (oddity) => {
    const created = (await api.call('POST', '/targets', { body: { ...target, name: `kept ${oddity}` } })).body;

    const variants = [`/targets/${oddity}${created.id}`, `/targets${oddity}/${created.id}`, `/monitors/${oddity}../targets/${created.id}`];
    for (const path of variants.filter((p) => p !== `/targets/${created.id}`)) {
      await api.expectRejected(404, 'DELETE', path);
      await api.expectRejected(404, 'GET', path);
    }
    expect((await api.call('GET', `/targets/${created.id}`)).status).toBe(200);
  });

  it('answers 404 for a trailing slash and for ../ between real routes', async () => {
    await api.expectRejected(404, 'GET', '/targets/');
    await api.expectRejected(404, 'GET', '/targets/../monitors');
    await api.expectRejected(404, 'GET', '/targets/./');
  });
});
