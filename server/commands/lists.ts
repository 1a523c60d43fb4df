import type { CommandDef } from './types.js';

export const listCommands: CommandDef[] = [];
