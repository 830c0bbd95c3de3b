import * as z from 'zod';
import type { Route, RouteDoc } from '#http/router.ts';
import { errorResponse, responseSchemas } from './response-schemas.ts';
import { requestSchemas } from './schemas.ts';

type JsonSchema = Record<string, unknown>;

/** Statuses every route can answer besides its own (API key, unexpected failure, database down). */
const COMMON_ERRORS = [403, 500, 503] as const;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid request: `error.details` names each wrong field or query parameter (`path`) and why (`message`)',
  403: 'missing or wrong `x-api-key`',
  404: 'no such resource (or no route for the path)',
  409: 'conflict: the resource is still referenced',
  413: 'the body is over 256 KiB',
  415: 'the body is not `application/json`',
  500: 'internal error; see the API logs',
  503: 'the database is unavailable; retry later',
};

const API_DESCRIPTION =
  'Manage targets, log sources and prompt monitors, run them and read their runs. JSON over HTTPS; field ' +
  'names are snake_case; timestamps are ISO-8601 UTC. Every request carries `x-api-key` (in local mode only ' +
  'when VIGIL_API_KEY is set). Lists take `limit` and `next_token` and answer `{items, next_token}`. ' +
  'Every error has the shape of `Error`. See docs/api.md.';

/**
 * The OpenAPI 3.1 document of `routes`, from the zod schemas that validate their requests and
 * type their responses. Throws when a route's body or response schema has no component name.
 */
export function openApiDocument(routes: readonly Route[]): JsonSchema {
  const requests = components(requestSchemas, 'input');
  const responses = components(responseSchemas, 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (!route.doc) throw new Error(`${route.method} ${route.path} has no doc`);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, route.doc, requests, responses.names);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Vigil management API', version: '1', description: API_DESCRIPTION },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'local mode (`npm start`)' },
      {
        url: 'https://{api_id}.execute-api.{region}.amazonaws.com/prod',
        description: 'AWS: the stack output `ApiUrl`',
        variables: { api_id: { default: 'api_id' }, region: { default: 'us-east-1' } },
      },
    ],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      schemas: { ...requests.schemas, ...responses.schemas },
    },
  };
}

interface Components {
  schemas: Record<string, JsonSchema>;
  names: Map<z.ZodType, string>;
}

function components(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output'): Components {
  const converted = z.toJSONSchema(registry, { target: 'draft-2020-12', io, uri: (id) => `#/components/schemas/${id}` });
  const schemas = Object.fromEntries(
    Object.entries(converted.schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
  const names = new Map<z.ZodType, string>();
  for (const id of Object.keys(schemas)) {
    const schema = registryEntry(registry, id);
    names.set(schema, id);
  }
  return { schemas, names };
}

function registryEntry(registry: z.core.$ZodRegistry<{ id: string }>, id: string): z.ZodType {
  const entry = registry._idmap.get(id);
  if (!entry) throw new Error(`no schema named ${id}`);
  return entry as z.ZodType;
}

function ref(names: Map<z.ZodType, string>, schema: z.ZodType, where: string): JsonSchema {
  const name = names.get(schema);
  if (name === undefined) throw new Error(`${where}: its schema is not registered with a component name`);
  return { $ref: `#/components/schemas/${name}` };
}

function operation(route: Route, doc: RouteDoc, requests: Components, responses: Map<z.ZodType, string>): JsonSchema {
  const where = `${route.method} ${route.path}`;
  const parameters = [
    ...[...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,64}$' },
    })),
    ...queryParameters(doc.query),
  ];
  const answers: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(doc.responses)) {
    answers[status] = {
      description: response.description,
      ...(response.headers && {
        headers: Object.fromEntries(response.headers.map((h) => [h, { schema: { type: 'string' }, description: 'where the new resource is' }])),
      }),
      ...(response.body && { content: { 'application/json': { schema: ref(responses, response.body, where) } } }),
    };
  }
  for (const status of [...doc.errors, ...COMMON_ERRORS]) {
    answers[String(status)] ??= {
      description: ERROR_DESCRIPTIONS[status] ?? 'error',
      content: { 'application/json': { schema: ref(responses, errorResponse, where) } },
    };
  }
  return {
    operationId: operationId(route),
    summary: doc.summary,
    ...(doc.description && { description: doc.description }),
    tags: [route.path.split('/')[1] ?? ''],
    ...(parameters.length > 0 && { parameters }),
    ...(doc.body && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: doc.patch ? patchOf(requests, ref(requests.names, doc.body, where)) : ref(requests.names, doc.body, where) } },
      },
    }),
    responses: answers,
    ...(doc.apiKey === false && {
      security: [{}, { apiKey: [] }],
      'x-vigil-local-mode': 'needs no API key in local mode; behind the key in AWS like every route',
    }),
  };
}

/**
 * The component of a merge patch of `body` (added once): its fields, none required; server-owned
 * fields sent back from a GET are ignored, so other fields are allowed at the top level.
 */
function patchOf(requests: Components, body: JsonSchema): JsonSchema {
  const name = String(body.$ref).split('/').pop() as string;
  const patchName = `${name}Patch`;
  if (!requests.schemas[patchName]) {
    const { required: _required, additionalProperties: _additional, ...rest } = requests.schemas[name] as JsonSchema;
    requests.schemas[patchName] = {
      ...rest,
      description: `A partial ${name}: the fields present replace the current ones; nested settings objects merge one level and null inside them removes a setting; id, created_at and other server-owned fields are ignored.`,
    };
  }
  return { $ref: `#/components/schemas/${patchName}` };
}

function queryParameters(query: z.ZodObject | undefined): JsonSchema[] {
  if (!query) return [];
  const json = z.toJSONSchema(query, { target: 'draft-2020-12', io: 'input' }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return {
      name,
      in: 'query',
      required: json.required?.includes(name) ?? false,
      ...(description !== undefined && { description }),
      schema: rest,
    };
  });
}

function operationId(route: Route): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith('{') ? `by-${segment.slice(1, -1)}` : segment));
  return [route.method.toLowerCase(), ...words]
    .join('-')
    .replace(/[^A-Za-z0-9]+(\w)/g, (_, c: string) => c.toUpperCase());
}
