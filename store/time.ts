/** ClickHouse DateTime64(3, 'UTC') parameter text for a JS Date ("2026-11-21 09:30:00.000"). */
export function toClickHouseTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** Parse ClickHouse's ISO output ("2026-11-21T09:30:00Z" or with millis) as UTC. */
export function fromClickHouseTime(text: string): Date {
  return new Date(/[Zz]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}
