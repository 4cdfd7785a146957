import { auditBundle } from '../../../usecases/audit-bundle.ts';
import {
  addUser,
  changePassword,
  changeRole,
  createToken,
  newUserSchema,
  passwordChangeSchema,
  revokeToken,
  roleChangeSchema,
  setDisabled,
  tokenId,
  tokenRequestSchema,
} from '../../usecases/users.ts';
import type { ApiContext } from '../context.ts';
import { bundleBody, idParams, nameParams, whyBody } from '../requests.ts';
import {
  auditResponse,
  createdTokenResponse,
  okResponse,
  revokedTokenResponse,
  tokensResponse,
  userResponse,
  usersResponse,
} from '../responses.ts';
import { type Route, route } from '../route.ts';

/** What only an admin may do: users, their roles, passwords and tokens; ingesting and auditing a bundle. */
export const adminRoutes = ({ store, options }: ApiContext): Route[] => [
  route({
    method: 'GET',
    url: '/api/users',
    role: 'admin',
    summary: 'Users, their roles and whether they are disabled',
    response: usersResponse,
    handler: async () => store.users.list(),
  }),
  route({
    method: 'POST',
    url: '/api/users',
    role: 'admin',
    summary: 'Add a user (a strong password: weak and common ones are refused)',
    body: newUserSchema,
    response: userResponse,
    write: true,
    handler: async (req, _reply, { body }) => addUser(store, body, req.principal!.name),
  }),
  route({
    method: 'PATCH',
    url: '/api/users/:name/role',
    role: 'admin',
    summary: "Change a user's role, with the reason",
    params: nameParams,
    body: roleChangeSchema,
    response: userResponse,
    write: true,
    handler: async (req, _reply, { params, body }) =>
      changeRole(store, params.name, body, req.principal!.name),
  }),
  route({
    method: 'POST',
    url: '/api/users/:name/password',
    role: 'admin',
    summary: "Set a user's password",
    params: nameParams,
    body: passwordChangeSchema,
    response: okResponse,
    write: true,
    handler: async (req, _reply, { params, body }) => {
      await changePassword(store, params.name, body, req.principal!.name);
      return { ok: true };
    },
  }),
  ...([true, false] as const).map((disabled) =>
    route({
      method: 'POST',
      url: `/api/users/:name/${disabled ? 'disable' : 'enable'}`,
      role: 'admin',
      summary: disabled ? 'Disable a user: their sessions and tokens stop working' : 'Enable a disabled user',
      params: nameParams,
      body: whyBody,
      response: okResponse,
      write: true,
      handler: async (req, _reply, { params, body }) => {
        await setDisabled(store, params.name, disabled, body.why, req.principal!.name);
        return { ok: true };
      },
    }),
  ),
  route({
    method: 'GET',
    url: '/api/tokens',
    role: 'admin',
    summary: 'API tokens: id (the start of the hash), user, label, created, expires, revoked',
    response: tokensResponse,
    handler: async () =>
      (await store.users.tokens()).map(({ token_hash, ...t }) => ({ id: tokenId(token_hash), ...t })),
  }),
  route({
    method: 'POST',
    url: '/api/users/:name/tokens',
    role: 'admin',
    summary: 'Create an API token for a user: shown once, expires after `days` (default 90)',
    params: nameParams,
    body: tokenRequestSchema,
    response: createdTokenResponse,
    write: true,
    handler: async (req, _reply, { params, body }) =>
      createToken(store, params.name, body.label, req.principal!.name, body.days),
  }),
  route({
    method: 'DELETE',
    url: '/api/tokens/:id',
    role: 'admin',
    summary: 'Revoke an API token',
    params: idParams,
    response: revokedTokenResponse,
    write: true,
    handler: async (req, _reply, { params }) => revokeToken(store, params.id, req.principal!.name),
  }),
  route({
    method: 'POST',
    url: '/api/audit',
    role: 'admin',
    summary:
      'Ingest a bundle folder on this machine (if needed) and audit it; a folder that is no bundle is a 400',
    body: bundleBody,
    response: auditResponse,
    write: true,
    handler: async (_req, _reply, { body }) => {
      const run = await auditBundle(store, body.bundle_dir, {
        outDir: options.outDir ?? `${store.path}.out`,
      });
      return { run_id: run.runId, snapshot_id: run.snapshotId, findings: run.result.findings.length };
    },
  }),
];
