import type { CommandDef } from './types.js';

export const transactionCommands: CommandDef[] = [];
