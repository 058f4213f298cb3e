import os from 'node:os';
import { suites } from './index.ts';
import type { BenchResult } from './types.ts';

/**
 * `npm run bench [-- area …]`: runs the hot-path benchmarks and prints one table with the
 * machine they ran on. Figures go into docs/benchmarks.md by hand, with the command.
 */
const wanted = process.argv.slice(2);
// e2e needs a broker and minutes of the whole machine: only when asked for by name.
const selected = suites.filter((s) =>
  wanted.length === 0 ? s.area !== 'e2e' : wanted.includes(s.area),
);
if (selected.length === 0) {
  console.error(
    `no benchmark suite matches ${wanted.join(', ')}; known: ${suites.map((s) => s.area).join(', ')}`,
  );
  process.exit(2);
}

const cpus = os.cpus();
console.log(
  `machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
);
const results: BenchResult[] = [];
for (const suite of selected) {
  console.log(`\n# ${suite.area}`);
  const { default: run } = await suite.load();
  for (const r of await run()) {
    results.push(r);
    console.log(
      `${r.name.padEnd(56)} ${formatValue(r.value).padStart(14)} ${r.unit}${r.notes ? `  (${r.notes})` : ''}`,
    );
  }
}

function formatValue(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
}
