// Declares the differential tests of one suite: for each protocol and seed, a
// test that runs the sequences against both servers and fails with the shrunk
// report of every distinct mismatch. Shared by strings-keys.test.ts (all
// families mixed) and datatypes.test.ts (one data-type family at a time).

import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseFamilies, diffConfig, findRedisServer, startServers, type Servers, type Settings } from './setup.js';
import { formatFailure, runDifferential } from './runner.js';
import type { Family } from './generator.js';

export interface DiffRun {
  /** Shown in test names and logs: 'strings/keys', 'zsets' … */
  label: string;
  /** The settings of this run (DIFF_FOCUS set for a focused run). */
  settings: Settings;
  /** Commands per protocol, split over the seeds. */
  commands: number;
  /** The test file, for the `reproduce:` line. */
  script: string;
  /** Extra environment for the `reproduce:` line ('DIFF_FOCUS=zsets '). */
  env?: string;
}

const log = (line: string) => console.log(line);

/** Adds the runs' tests to `test`; the servers are started once for the suite. */
export function defineDifferential(test: Test, runs: readonly DiffRun[]): void {
  const binary = findRedisServer();
  if (!binary) {
    const message = 'redis-server is not installed (or $REDIS_SERVER is wrong): the differential run needs it as the oracle';
    if (process.env.CI === 'true') {
      test('redis-server is available', () => {
        assert.unreachable(`${message}; with CI=true this is a failure`);
      });
    } else {
      console.log(`\n  SKIPPED differential ${runs.map((r) => r.label).join(', ')}: ${message}.\n`);
      test.skip('differential (redis-server missing)', () => {});
    }
    return;
  }
  let servers: Servers;
  let total = 0;
  test.before(async () => {
    servers = await startServers(binary);
  });
  test.after(async () => {
    await servers?.stop();
  });

  for (const run of runs) {
    const { settings } = run;
    const perSeed = Math.ceil(run.commands / settings.seeds.length);
    let families: Family[] | null = null;
    for (const resp of settings.protocols) {
      for (const seed of settings.seeds) {
        const what = settings.onlySequence === undefined ? `${perSeed} commands` : `sequence ${settings.onlySequence}`;
        test(`${run.label}, RESP${resp}, seed ${seed}: ${what} match redis-server`, async () => {
          if (families === null) {
            const chosen = await chooseFamilies(settings, servers.embedis);
            families = chosen.families;
            if (chosen.skipped.length) log(`  DIFF_ONLY_IMPLEMENTED: embedis lacks ${chosen.skipped.join(', ')}; left out`);
          }
          const started = Date.now();
          const result = await runDifferential(servers.redis, servers.embedis, diffConfig(settings, { seed, resp, commands: perSeed, families }, log));
          total += result.commandsMatched;
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          log(
            `  ${run.label} RESP${resp} seed ${seed} (redis-server ${servers.redisVersion}): ${result.commandsMatched}/${result.commandsRun} commands matched, ` +
              `${result.sequences} sequences (${result.sequencesFailed} failed) in ${seconds} s; ${total} matched so far`,
          );
          for (const note of result.notes) log(`  note: ${note}`);
          if (result.failures.length) {
            const report = result.failures.map((f) => formatFailure(f, run.script, run.env)).join('\n\n');
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
}
