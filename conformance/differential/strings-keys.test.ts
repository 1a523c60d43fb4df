// Differential run: seeded random sequences of string and key commands
// against a private real redis-server and an in-process embedis, in RESP2 and
// RESP3, every reply compared exactly (TTL readings within a tolerance).
// See conformance/differential/README.md for the environment knobs.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseFamilies, findRedisServer, settingsFromEnv, startServers, type Servers } from './setup.js';
import { formatFailure, runDifferential } from './runner.js';
import type { Family } from './generator.js';

const test = suite('differential: strings and keys');
const settings = settingsFromEnv();
const binary = findRedisServer();
const log = (line: string) => console.log(line);

if (!binary) {
  const message = 'redis-server is not installed (or $REDIS_SERVER is wrong): the differential run needs it as the oracle';
  if (process.env.CI === 'true') {
    test('redis-server is available', () => {
      assert.unreachable(`${message}; with CI=true this is a failure`);
    });
  } else {
    console.log(`\n  SKIPPED differential strings/keys: ${message}.\n`);
    test.skip('differential strings/keys (redis-server missing)', () => {});
  }
} else {
  let servers: Servers;
  let families: Family[] = [];
  let total = 0;

  test.before(async () => {
    servers = await startServers(binary);
    const chosen = await chooseFamilies(settings, servers.embedis);
    families = chosen.families;
    if (chosen.skipped.length) log(`  DIFF_ONLY_IMPLEMENTED: embedis lacks ${chosen.skipped.join(', ')}; left out`);
  });
  test.after(async () => {
    await servers?.stop();
  });

  const perSeed = Math.ceil(settings.commands / settings.seeds.length);
  for (const resp of settings.protocols) {
    for (const seed of settings.seeds) {
      const what = settings.onlySequence === undefined ? `${perSeed} commands` : `sequence ${settings.onlySequence}`;
      test(`RESP${resp}, seed ${seed}: ${what} match redis-server`, async () => {
        const started = Date.now();
        const result = await runDifferential(servers.redis, servers.embedis, {
          seed,
          resp,
          commands: perSeed,
          sequenceLength: settings.sequenceLength,
          batchSize: settings.batchSize,
          families,
          maxFailures: settings.maxFailures,
          onlySequence: settings.onlySequence,
          shrinkBudgetMs: settings.shrinkBudgetMs,
          log,
        });
        total += result.commandsMatched;
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        log(
          `  RESP${resp} seed ${seed} (redis-server ${servers.redisVersion}): ${result.commandsMatched}/${result.commandsRun} commands matched, ` +
            `${result.sequences} sequences (${result.sequencesFailed} failed) in ${seconds} s; ${total} matched so far`,
        );
        for (const note of result.notes) log(`  note: ${note}`);
        if (result.failures.length) {
          const report = result.failures.map(formatFailure).join('\n\n');
          const more = result.sequencesFailed > result.failures.length ? `\n(${result.sequencesFailed} failing sequences in all)` : '';
          console.log('\n' + report + more + '\n');
          assert.unreachable(`${result.failures.length} distinct mismatch(es) with redis-server, first: ${result.failures[0].signature} (report above)`);
        }
        assert.ok(result.commandsRun > 0, 'no commands were run');
        assert.is(result.commandsMatched, result.commandsRun);
        if (settings.onlySequence === undefined) assert.ok(result.commandsMatched >= perSeed, `only ${result.commandsMatched} of ${perSeed} commands ran`);
      });
    }
  }
}

test.run();
