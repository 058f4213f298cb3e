import { Command, CommanderError } from 'commander';
import { describeError, EarshotError } from '../core/errors.ts';
import { commands } from './commands/index.ts';

/**
 * The `earshot` CLI. Each command lives in `cli/commands/<name>.ts` and registers itself;
 * heavy modules are imported inside the action so `earshot --help` stays instant.
 */
const program = new Command()
  .name('earshot')
  .description(
    'Social listening and sentiment analytics: sources → Kafka → enrichment → ClickHouse → API',
  )
  .showHelpAfterError()
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof EarshotError && !error.retriable) {
    process.stderr.write(`earshot: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`earshot: ${describeError(error)}\n`);
    if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}

// A command that failed exits even if something it started still holds the event loop. Each
// command closes what it opened (runServices); this is the net under that, so a process that
// reported an error never lingers serving nothing. Unref'd: it never delays a clean exit.
if (process.exitCode !== undefined && process.exitCode !== 0) {
  const code = process.exitCode;
  setTimeout(() => {
    process.stderr.write('earshot: still running 5 s after the error above; exiting\n');
    process.exit(code);
  }, 5_000).unref();
}
