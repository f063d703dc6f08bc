/** The OpenAPI 3.1 document, built from the route table: the declarations are the documentation. */
import { z, type ZodType } from 'zod';
import { ROLES } from '../store/roles.js';
import type { RegisteredRoute } from './route.js';

type Json = Record<string, unknown>;

function schemaOf(s: ZodType): Json {
  const j = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json;
  delete j.$schema;
  return j;
}

const ERROR_SCHEMA: Json = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
    },
  },
};

export function openApiDocument(routes: readonly RegisteredRoute[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: Json[] = [];
    if (r.params) {
      const props = (schemaOf(r.params).properties ?? {}) as Record<string, Json>;
      for (const [name, schema] of Object.entries(props)) parameters.push({ name, in: 'path', required: true, schema });
    }
    if (r.query) {
      const q = schemaOf(r.query);
      const required = new Set((q.required as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries((q.properties ?? {}) as Record<string, Json>)) {
        parameters.push({ name, in: 'query', required: required.has(name), schema, ...(typeof schema.description === 'string' ? { description: schema.description } : {}) });
      }
    }
    const who = r.access === 'public' ? 'No authentication.' : r.access === 'authenticated' ? 'Any authenticated caller.'
      : `Needs \`${r.access}\` (roles: ${ROLES.filter((x) => x.permissions.includes(r.access as never)).map((x) => x.name).join(', ')}).`;
    const responses: Json = {
      [String(r.status)]: { description: 'success', ...(r.response ? { content: { 'application/json': { schema: schemaOf(r.response) } } } : {}) },
      400: { description: 'invalid request: the message names the field', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    };
    if (r.access !== 'public') {
      responses[401] = { description: 'not authenticated', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      responses[403] = { description: 'the role lacks the permission', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    const op: Json = {
      summary: r.summary,
      description: `${who}${r.audit !== false ? ` Audited as \`${r.audit}\`.` : ''}`,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').split(/[/_.-]/).map((s) => (s ? s[0]?.toUpperCase() + s.slice(1) : '')).join('')}`,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(r.access === 'public' ? { security: [] } : {}),
      responses,
    };
    if (r.body || r.bodyTypes) {
      const content: Json = {};
      if (r.body) content['application/json'] = { schema: schemaOf(r.body) };
      for (const t of r.bodyTypes ?? []) content[t] = { schema: t.includes('protobuf') ? { type: 'string', format: 'binary' } : { type: 'string' } };
      op.requestBody = { required: true, content };
    }
    paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Weft API',
      version,
      description: 'Security event correlation: ingest, events, alerts, incidents, rules and administration. '
        + 'Lists answer {items, total, next}; errors answer {error: {code, message, details}}.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { apiKey: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an access token from POST /api/v1/auth/login, or an API key (wk_...)' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}
