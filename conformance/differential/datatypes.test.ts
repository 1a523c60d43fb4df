// Differential run of each data-type family on its own: lists, sets, hashes
// and sorted sets, each as a run where that family makes most of the commands
// (keys, strings and the other types the rest, for WRONGTYPE, RENAME, COPY,
// OBJECT ENCODING …), plus blocking commands served across two clients.
// Default: DIFF_FAMILY_COMMANDS (6,000) per family and protocol (1,200 for
// the blocking run), seconds in all. DIFF_LONG=1: 120,000 per family and
// protocol (>= 100,000 of the family's own commands; 20,000 for the blocking
// run), about two minutes.

import { suite } from 'uvu';
import { settingsFromEnv } from './setup.js';
import { defineDifferential, type DiffRun } from './suite.js';
import { DATA_TYPE_FAMILIES } from './families.js';

const test = suite('differential: data types');
const base = settingsFromEnv();
const fallback = base.long ? 120_000 : 6_000;
const text = process.env.DIFF_FAMILY_COMMANDS;
const commands = text ? Number(text) : fallback;
if (!Number.isSafeInteger(commands) || commands <= 0) throw new Error(`DIFF_FAMILY_COMMANDS must be a positive integer, got '${text}'`);
const only = (process.env.DIFF_DATATYPES ?? DATA_TYPE_FAMILIES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);

// Blocking steps wait for servers to block clients (and some for timeouts): fewer of them.
const blockingCommands = text ? commands : base.long ? 20_000 : 1_200;
const runs: DiffRun[] = only.map((family) => ({
  label: family,
  settings: { ...base, focus: family },
  commands: family === 'blocking' ? blockingCommands : commands,
  script: 'datatypes.test.js',
  env: `DIFF_DATATYPES=${family} `,
}));
defineDifferential(test, runs);

test.run();
