// The command table: every family's rows, indexed by lowercase name.

import { Command, type CommandDef } from './types.js';
import { connectionCommands } from './connection.js';
import { introspectionCommands } from './introspection.js';
import { serverCommands } from './server.js';
import { configCommands } from './config.js';
import { stringCommands } from './strings.js';
import { keyCommands } from './keys.js';
import { hashCommands } from './hashes.js';
import { listCommands } from './lists.js';
import { setCommands } from './sets.js';
import { zsetCommands } from './zsets.js';
import { transactionCommands } from './transactions.js';
import { persistenceCommands } from './persistence.js';
import { memoryCommands } from './memory.js';
import { pubsubCommands } from './pubsub.js';
import { aofCommands } from '../persistence/aof-server.js';
import { scriptingCommands } from './scripting.js';

export const commandDefs: readonly CommandDef[] = [
  ...connectionCommands,
  ...introspectionCommands,
  ...serverCommands,
  ...configCommands,
  ...stringCommands,
  ...keyCommands,
  ...hashCommands,
  ...listCommands,
  ...setCommands,
  ...zsetCommands,
  ...transactionCommands,
  ...persistenceCommands,
  ...pubsubCommands,
  ...aofCommands,
  ...scriptingCommands,
  ...memoryCommands,
];

export class CommandTable {
  readonly byName = new Map<string, Command>();

  constructor(defs: readonly CommandDef[]) {
    for (const def of defs) {
      if (this.byName.has(def.name)) throw new Error(`command ${def.name} declared twice`);
      this.byName.set(def.name, new Command(def));
    }
  }

  get(lowercaseName: string): Command | undefined {
    return this.byName.get(lowercaseName);
  }

  /** Every command and subcommand, for INFO commandstats and CONFIG RESETSTAT. */
  *all(): Generator<Command> {
    for (const command of this.byName.values()) {
      yield command;
      if (command.subcommands) yield* command.subcommands.values();
    }
  }
}
