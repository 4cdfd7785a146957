import { auditBundle } from '../../../usecases/audit-bundle.ts';
import { addUser, newUserSchema } from '../../usecases/users.ts';
import type { ApiContext } from '../context.ts';
import { bundleBody } from '../requests.ts';
import { auditResponse, userResponse } from '../responses.ts';
import { type Route, route } from '../route.ts';

/** What only an admin may do: add users, ingest and audit a bundle. */
export const adminRoutes = ({ store, options }: ApiContext): Route[] => [
  route({
    method: 'POST',
    url: '/api/users',
    role: 'admin',
    summary: 'Add a user',
    body: newUserSchema,
    response: userResponse,
    write: true,
    handler: async (req, _reply, { body }) => addUser(store, body, req.principal!.name),
  }),
  route({
    method: 'POST',
    url: '/api/audit',
    role: 'admin',
    summary: 'Ingest a bundle folder on this machine (if needed) and audit it',
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
