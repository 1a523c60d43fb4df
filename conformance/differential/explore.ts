// Command-line differential run for exploring: every seed and protocol of the
// settings (same environment variables as the test), all distinct mismatches
// shrunk and printed, a summary at the end. Not a test: it never fails CI.
//   node dist/conformance/differential/explore.js            embedis vs redis-server
//   DIFF_SELF_CHECK=1 node dist/conformance/differential/explore.js   redis vs redis (checks the harness)

import { chooseFamilies, findRedisServer, settingsFromEnv, startServers } from './setup.js';
import { formatFailure, runDifferential, type Failure } from './runner.js';

const settings = settingsFromEnv();
const binary = findRedisServer();
if (!binary) {
  console.error('redis-server not found (set REDIS_SERVER to its path)');
  process.exit(2);
}
const servers = await startServers(binary, process.env.DIFF_SELF_CHECK === '1');
const failures: Failure[] = [];
let matched = 0;
let run = 0;
try {
  const { families, skipped } = await chooseFamilies(settings, servers.embedis);
  if (skipped.length) console.log(`left out (embedis lacks them): ${skipped.join(', ')}`);
  const perSeed = Math.ceil(settings.commands / settings.seeds.length);
  for (const resp of settings.protocols) {
    for (const seed of settings.seeds) {
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
        log: (line) => console.log(line),
      });
      matched += result.commandsMatched;
      run += result.commandsRun;
      console.log(
        `RESP${resp} seed ${seed}: ${result.commandsMatched}/${result.commandsRun} matched, ${result.sequences} sequences, ` +
          `${result.sequencesFailed} failed, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      for (const note of result.notes) console.log(`note: ${note}`);
      failures.push(...result.failures);
    }
  }
} finally {
  await servers.stop();
}
const seen = new Set<string>();
for (const failure of failures) {
  const key = failure.signature;
  if (seen.has(key)) continue;
  seen.add(key);
  console.log('\n' + formatFailure(failure));
}
console.log(`\n${matched}/${run} commands matched; ${seen.size} distinct mismatches`);
process.exit(0);
