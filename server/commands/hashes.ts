import type { CommandDef } from './types.js';

export const hashCommands: CommandDef[] = [];
