// The command line: `temperance COMMAND [flags]` → exit code. User mistakes (CliError) are one
// line on stderr and exit 1; anything else is a bug, shown as such, exit 2.
import { checkCommand } from './check/command.ts';
import { CliError } from './cli-error.ts';
import { explainCommand } from './explain/command.ts';
import { experimentsCommand } from './experiments/command.ts';
import { initCommand } from './init/command.ts';
import type { Command, Io } from './io.ts';
import { sweepCommand } from './sweep/command.ts';

export const COMMANDS = {
  init: initCommand,
  sweep: sweepCommand,
  explain: explainCommand,
  check: checkCommand,
  experiments: experimentsCommand,
} as const satisfies Record<string, Command>;

function isCommandName(name: string): name is keyof typeof COMMANDS {
  return Object.hasOwn(COMMANDS, name);
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'temperance: tune the sampling policy of a fine-tuned model',
    '',
    'usage: temperance COMMAND [flags]   (temperance COMMAND --help for its flags)',
    '',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'Tune a fine-tune: init (policy from the training file), sweep (measure), explain (check a request).',
  ].join('\n');
}

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(`${help()}\n`);
    return name === undefined ? 1 : 0;
  }
  if (!isCommandName(name)) {
    io.err(`temperance: unknown command ${JSON.stringify(name)}\n\n${help()}\n`);
    return 1;
  }
  const command = COMMANDS[name];
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`temperance ${name}: ${error.message}\n`);
      return 1;
    }
    io.err(`temperance ${name}: internal error (a bug, please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}
