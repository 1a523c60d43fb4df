import type { CommandDef } from './types.js';

export const setCommands: CommandDef[] = [];
