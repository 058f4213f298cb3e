import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './wait-for.ts';

/** An earshot process as a user runs it (bin/earshot.js, from the repository root). */
export interface EarshotProcess {
  child: ChildProcess;
  /** Its stdout and stderr so far, interleaved as they came. */
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Spawns `earshot <args…>` with `env` (whole: pass `process.env` in it where wanted) and adds
 * the child to `children`, for the test file's afterAll to kill.
 */
export function spawnEarshot(
  args: string[],
  env: NodeJS.ProcessEnv,
  children: ChildProcess[],
): EarshotProcess {
  const child = spawn(process.execPath, ['bin/earshot.js', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** `earshot start`, once its banner says where it runs. */
export async function startEarshot(
  env: NodeJS.ProcessEnv,
  children: ChildProcess[],
  timeoutMs = 90_000,
): Promise<EarshotProcess & { url: string }> {
  const started = spawnEarshot(['start'], env, children);
  const url = await waitFor(
    () => /earshot is running at (http:\/\/\S+)/.exec(started.output())?.[1],
    {
      timeoutMs,
      what: `the start banner (output so far: ${started.output().slice(-500)})`,
    },
  );
  return { ...started, url };
}
