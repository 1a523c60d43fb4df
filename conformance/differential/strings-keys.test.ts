// Differential run: seeded random sequences of string and key commands (with
// the data types mixed in) against a private real redis-server and an
// in-process embedis, in RESP2 and RESP3, every reply compared exactly (TTL
// readings within a tolerance). See conformance/differential/README.md.

import { suite } from 'uvu';
import { settingsFromEnv } from './setup.js';
import { defineDifferential } from './suite.js';

const test = suite('differential: strings and keys');
const settings = settingsFromEnv();
defineDifferential(test, [{ label: 'strings/keys', settings, commands: settings.commands, script: 'strings-keys.test.js' }]);

test.run();
