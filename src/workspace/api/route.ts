import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../../contract/names.ts';

/** One API route as data: who may call it, its input and output schemas, and its work; OpenAPI is made from these. */
export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  role: Role | null;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The answer's schema: checked before it is sent (a mismatch is a server fault) and shown in OpenAPI. */
  response?: z.ZodType;
  write?: boolean;
  handler: (
    req: FastifyRequest,
    reply: FastifyReply,
    args: { params: unknown; query: unknown; body: unknown },
  ) => Promise<unknown>;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : Record<string, never>;

/** A route whose handler sees its params, query and body typed by their schemas. */
export function route<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(
  r: Omit<Route, 'handler' | 'params' | 'query' | 'body'> & {
    params?: P;
    query?: Q;
    body?: B;
    handler: (
      req: FastifyRequest,
      reply: FastifyReply,
      args: { params: Infer<P>; query: Infer<Q>; body: Infer<B> },
    ) => Promise<unknown>;
  },
): Route {
  return r as unknown as Route;
}

/** The answer as its schema has it, or a server fault that names what did not match (in the log, not the reply). */
export function answer(schema: z.ZodType, value: unknown, url: string): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`${url} answered outside its schema at ${issue.path.join('.')}: ${issue.message}`);
}

export function openapi(routes: Route[], sessionCookie: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const parameters = [
      ...Object.keys((r.params as z.ZodObject | undefined)?.shape ?? {}).map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...Object.entries((r.query as z.ZodObject | undefined)?.shape ?? {}).map(([name, s]) => ({
        name,
        in: 'query',
        required: false,
        schema: z.toJSONSchema(s as z.ZodType, { io: 'input', unrepresentable: 'any' }),
      })),
    ];
    paths[path] = {
      ...paths[path],
      [r.method.toLowerCase()]: {
        summary: r.summary,
        security: r.role ? [{ session: [] }, { token: [] }] : [],
        'x-role': r.role,
        parameters,
        ...(r.body
          ? {
              requestBody: {
                content: {
                  'application/json': {
                    schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }),
                  },
                },
              },
            }
          : {}),
        responses: {
          '200': {
            description: 'OK',
            ...(r.response
              ? { content: { 'application/json': { schema: z.toJSONSchema(r.response, { io: 'output' }) } } }
              : {}),
          },
          '400': { description: 'bad request (the field is named)' },
          '401': { description: 'not signed in' },
          '403': { description: 'role too low' },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Daylight workspace API', version: '0.1.0' },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: sessionCookie },
        token: { type: 'http', scheme: 'bearer' },
      },
    },
    paths,
  };
}
