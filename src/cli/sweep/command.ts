import type { Command } from '../io.ts';

export const sweepCommand: Command = { summary: 'measure a model at several temperatures on real prompts', usage: 'temperance sweep (not yet)', run: async () => 1 };
