import type { CommandDef } from './types.js';

export const keyCommands: CommandDef[] = [];
