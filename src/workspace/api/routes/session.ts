import { login, logout } from '../../usecases/users.ts';
import { type ApiContext, SESSION_COOKIE } from '../context.ts';
import { HttpError } from '../http.ts';
import { loginBody } from '../requests.ts';
import { okResponse, principalResponse } from '../responses.ts';
import { type Route, route } from '../route.ts';

/** Signing in and out, and who is signed in. */
export const sessionRoutes = ({ store, throttle }: ApiContext): Route[] => [
  route({
    method: 'POST',
    url: '/api/login',
    role: null,
    summary:
      'Sign in; sets a secure, HttpOnly, SameSite session cookie. Repeated failures lock the account and the address for growing times (429 with Retry-After).',
    body: loginBody,
    response: okResponse,
    write: true,
    handler: async (req, reply, { body }) => {
      const wait = throttle.retryAfter(body.name, req.ip);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new HttpError(429, `too many failed sign-ins: try again in ${wait} s`);
      }
      const session = await login(store, body.name, body.password);
      if (!session) {
        for (const lockout of throttle.fail(body.name, req.ip))
          await store.ledger.append('sign-in', 'daylight', {
            event: 'lockout',
            user: body.name,
            address: req.ip,
            locked: lockout.key,
            failures: lockout.failures,
            until: lockout.until,
          });
        throw new HttpError(401, 'wrong name or password');
      }
      throttle.succeed(body.name, req.ip);
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
    summary: 'Sign out: the session ends at once',
    response: okResponse,
    write: true,
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
