import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AppSettingsSchema } from '../../cli/settings.ts';

interface Compose {
  services: Record<
    string,
    { command?: string[]; environment?: Record<string, string>; profiles?: string[] }
  >;
}

/** Every env key docker-compose.yml gives an earshot service is one the config schema knows and accepts. */
describe('docker-compose.yml', () => {
  const compose = parse(
    readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'),
    { merge: true },
  ) as Compose;
  const earshotServices = Object.entries(compose.services).filter(
    ([, s]) => s.command?.[0] === 'run',
  );

  it('has one service per role, in the default deployment and in the cluster profile', () => {
    const inProfile = (profile: string | undefined) =>
      earshotServices.filter(([, s]) =>
        profile === undefined ? !s.profiles?.length : (s.profiles ?? []).includes(profile),
      );
    expect(
      inProfile('cluster')
        .map(([, s]) => s.command?.[1])
        .sort(),
    ).toEqual(['alerts', 'api', 'enrich', 'ingest', 'sink']);
    expect(
      inProfile(undefined)
        .map(([name]) => name)
        .sort(),
    ).toEqual(['alerts', 'api', 'enrich', 'ingest', 'sink']);
    for (const [name, service] of inProfile(undefined))
      expect(service.command).toEqual(['run', name]);
  });

  it.each(earshotServices)(
    '%s: env keys are known to and accepted by the settings schema',
    (_name, service) => {
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [
          k,
          String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/, '$1'),
        ]),
      );
      const known = new Set(Object.keys(AppSettingsSchema.shape));
      expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
      const parsed = AppSettingsSchema.safeParse(env);
      expect(parsed.success, parsed.error?.message).toBe(true);
      expect(parsed.data?.EARSHOT_BUS).toBe('kafka');
      expect(parsed.data?.EARSHOT_STORE).toBe('clickhouse');
    },
  );
});
