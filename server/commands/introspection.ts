import type { CommandDef } from './types.js';

export const introspectionCommands: CommandDef[] = [];
