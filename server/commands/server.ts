import type { CommandDef } from './types.js';

export const serverCommands: CommandDef[] = [];
