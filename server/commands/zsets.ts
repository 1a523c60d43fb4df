import type { CommandDef } from './types.js';

export const zsetCommands: CommandDef[] = [];
