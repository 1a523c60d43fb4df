import type { CommandDef } from './types.js';

export const configCommands: CommandDef[] = [];
