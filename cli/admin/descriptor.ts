import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';

/**
 * How CLI commands find a running `earshot start`. The embedded engine locks its data
 * directory (one process), so `keys`, `sql` and `import` cannot open it while the server runs;
 * instead the server writes this descriptor into the directory: where its loopback-only admin
 * endpoint listens and the token it accepts. The file is the credential: readable by the
 * owner only (0600), like the data beside it.
 */
export const DESCRIPTOR_FILE = 'earshot-admin.json';

export const AdminDescriptorSchema = z.object({
  version: z.literal(1),
  pid: z.number().int().positive(),
  /** Loopback only: a descriptor pointing anywhere else is not ours to send data to. */
  url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d{1,5}$/),
  token: z.string().min(32),
  started_at: z.string(),
});
export type AdminDescriptor = z.infer<typeof AdminDescriptorSchema>;

export function descriptorPath(chdbPath: string): string {
  return join(chdbPath, DESCRIPTOR_FILE);
}

export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Written whole (temp file, then rename) with mode 0600 from its creation. */
export function writeDescriptor(chdbPath: string, descriptor: AdminDescriptor): void {
  const file = descriptorPath(chdbPath);
  const temp = `${file}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  writeFileSync(temp, `${JSON.stringify(descriptor)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temp, file);
}

export function readDescriptor(chdbPath: string): AdminDescriptor | null {
  const file = descriptorPath(chdbPath);
  if (!existsSync(file)) return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): run the command as the user that started earshot`,
    );
  }
  try {
    return AdminDescriptorSchema.parse(JSON.parse(text));
  } catch {
    return null;
  }
}

/** Remove the descriptor if it is still ours (a newer server may have replaced it). */
export function removeDescriptor(chdbPath: string, token: string): void {
  if (readDescriptor(chdbPath)?.token === token) rmSync(descriptorPath(chdbPath), { force: true });
}
