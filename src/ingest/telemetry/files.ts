import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const TELEMETRY_FOLDERS = ['dns', 'flowlogs', 'indicators'] as const;

/** The telemetry files of a bundle (relative paths, sorted): DNS logs, flow logs and user indicator lists. */
export function telemetryFiles(dir: string): { folder: (typeof TELEMETRY_FOLDERS)[number]; file: string }[] {
  return TELEMETRY_FOLDERS.flatMap((folder) => {
    const root = join(dir, folder);
    if (!existsSync(root)) return [];
    return listFiles(root)
      .map((f) => ({ folder, file: join(folder, f) }))
      .sort((a, b) => a.file.localeCompare(b.file));
  });
}

function listFiles(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix)).flatMap((name) => {
    const rel = prefix ? join(prefix, name) : name;
    return statSync(join(root, rel)).isDirectory() ? listFiles(root, rel) : name.startsWith('.') ? [] : [rel];
  });
}
