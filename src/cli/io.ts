// What a command may touch of the outside world, passed in so tests run commands in-process.
export type Io = {
  /** Standard output: results (a policy file's path, an explanation, a suggestion). */
  out: (text: string) => void;
  /** Standard error: warnings and progress. */
  err: (text: string) => void;
  /** Whether stderr is a terminal: the progress bar redraws in place only there. */
  errIsTty: boolean;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  fetch: typeof fetch;
};

export type Command = {
  summary: string;
  usage: string;
  run: (args: string[], io: Io) => Promise<number>;
};
