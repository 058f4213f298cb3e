/** One measured figure. `npm run bench` prints them as a table, with the machine. */
export interface BenchResult {
  area: string;
  name: string;
  value: number;
  unit: string;
  notes?: string;
}

export type BenchSuite = () => Promise<BenchResult[]>;
