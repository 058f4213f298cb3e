/**
 * The roles an earshot process can play (`earshot run <role…>`); `earshot start` plays them
 * all. Kept apart from the roles' code so `earshot --help` loads nothing heavy.
 */
export const ROLES = ['ingest', 'enrich', 'sink', 'api', 'alerts'] as const;
export type Role = (typeof ROLES)[number];
