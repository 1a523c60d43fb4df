// Command-line differential run for exploring: every seed and protocol of the
// settings (same environment variables as the test), all distinct mismatches
// shrunk and printed, a summary at the end. Not a test: it never fails CI.
//   node dist/conformance/differential/explore.js            embedis vs redis-server
//   DIFF_SELF_CHECK=1 node dist/conformance/differential/explore.js   redis vs redis (checks the harness)

import { chooseFamilies, diffConfig, findRedisServer, settingsFromEnv, startServers } from './setup.js';
import { formatFailure, runDifferential, type Failure } from './runner.js';
import type { Reply } from './resp.js';

const settings = settingsFromEnv();
const binary = findRedisServer();
if (!binary) {
  console.error('redis-server not found (set REDIS_SERVER to its path)');
  process.exit(2);
}
const servers = await startServers(binary, process.env.DIFF_SELF_CHECK === '1');
const failures: Failure[] = [];
// DIFF_STATS=1: per command, how many replies of each kind redis-server gave
// (is the generator reaching the successful paths, not only the errors?).
const stats = new Map<string, Map<string, number>>();
const observe =
  process.env.DIFF_STATS === '1'
    ? (args: readonly string[], reply: Reply) => {
        const name = args[0].toUpperCase() + (args[0].toUpperCase() === 'OBJECT' && args[1] ? ' ' + args[1].toUpperCase() : '');
        const kind = reply.type === 'error' ? 'error: ' + reply.value.slice(0, 60) : reply.type;
        const perCommand = stats.get(name) ?? new Map<string, number>();
        stats.set(name, perCommand);
        perCommand.set(kind, (perCommand.get(kind) ?? 0) + 1);
      }
    : undefined;
let matched = 0;
let run = 0;
try {
  const { families, skipped } = await chooseFamilies(settings, servers.embedis);
  if (skipped.length) console.log(`left out (embedis lacks them): ${skipped.join(', ')}`);
  const perSeed = Math.ceil(settings.commands / settings.seeds.length);
  for (const resp of settings.protocols) {
    for (const seed of settings.seeds) {
      const started = Date.now();
      const config = diffConfig(settings, { seed, resp, commands: perSeed, families }, (line) => console.log(line), observe);
      const result = await runDifferential(servers.redis, servers.embedis, config);
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
for (const [name, kinds] of [...stats].sort()) {
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  console.log(`${name} ${total}: ` + [...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join('; '));
}
console.log(`\n${matched}/${run} commands matched; ${seen.size} distinct mismatches`);
process.exit(0);
