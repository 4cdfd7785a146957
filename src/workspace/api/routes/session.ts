import { login, logout } from '../../usecases/users.ts';
import { type ApiContext, SESSION_COOKIE } from '../context.ts';
import { HttpError } from '../http.ts';
import { loginBody } from '../requests.ts';
import { okResponse, principalResponse } from '../responses.ts';
import { type Route, route } from '../route.ts';

/** Signing in and out, and who is signed in. */
export const sessionRoutes = ({ store }: ApiContext): Route[] => [
  route({
    method: 'POST',
    url: '/api/login',
    role: null,
    summary: 'Sign in; sets a secure, HttpOnly, SameSite session cookie',
    body: loginBody,
    response: okResponse,
    handler: async (_req, reply, { body }) => {
      const session = await login(store, body.name, body.password);
      if (!session) throw new HttpError(401, 'wrong name or password');
      reply.setCookie(SESSION_COOKIE, session, {
        httpOnly: true,
        secure: true,
        sameSite: 'strict',
        path: '/',
        maxAge: 12 * 3600,
      });
      return { ok: true };
    },
  }),
  route({
    method: 'POST',
    url: '/api/logout',
    role: 'viewer',
    summary: 'Sign out',
    response: okResponse,
    handler: async (req, reply) => {
      const session = req.cookies[SESSION_COOKIE];
      if (session) await logout(store, session);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  }),
  route({
    method: 'GET',
    url: '/api/me',
    role: 'viewer',
    summary: 'Who is signed in',
    response: principalResponse,
    handler: async (req) => req.principal,
  }),
];
