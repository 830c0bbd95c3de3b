import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { answerUnavailableWhileDown } from '../../../local/database-gate.ts';
import { json } from '#http/responses.ts';

const event = {} as APIGatewayProxyEvent;
const context = {} as Context;
const status = (up: boolean) => ({ available: () => up, whenAvailable: () => Promise.resolve() });
const serviceUnavailable = {
  statusCode: 503,
  headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' },
  body: JSON.stringify({
    error: { code: 'service_unavailable', message: 'the database (DynamoDB Local) is down and restarting; retry in a few seconds', details: [] },
  }),
};

describe('the API while DynamoDB Local is down', () => {
  it('answers 503 with the error shape without calling the handler', async () => {
    let called = false;
    const handler = answerUnavailableWhileDown(async () => ((called = true), json(200, {})), status(false), async () => true);

    expect(await handler(event, context)).toEqual(serviceUnavailable);
    expect(called).toBe(false);
  });

  it('turns the 500 of a request that met the database dying into a 503, and leaves other 500s alone', async () => {
    const failing = async () => json(500, { error: { code: 'internal_error', message: 'internal error; see the API logs', details: [] } });

    const outage = await answerUnavailableWhileDown(failing, status(true), async () => false)(event, context);
    const bug = await answerUnavailableWhileDown(failing, status(true), async () => true)(event, context);

    expect(outage).toEqual(serviceUnavailable);
    expect(bug.statusCode).toBe(500);
  });

  it('passes answers through while the database is up', async () => {
    const handler = answerUnavailableWhileDown(async () => json(404, { error: { code: 'not_found' } }), status(true), async () => true);

    expect((await handler(event, context)).statusCode).toBe(404);
  });
});
