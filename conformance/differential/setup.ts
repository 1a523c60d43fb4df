// Settings from the environment and the two servers of a differential run.

import { startServer, type RunningServer } from '../../server/index.js';
import type { Family } from './generator.js';
import { DEFAULT_FAMILIES, familiesFrom, focusedFamilies } from './families.js';
import { findRedisServer, startRedisServer, type RedisProcess } from './redis-process.js';
import { unknownCommands, type DiffConfig, type Endpoint } from './runner.js';
import type { Reply } from './resp.js';

export interface Settings {
  seeds: number[];
  protocols: Array<2 | 3>;
  /** Commands per protocol, split evenly over the seeds. */
  commands: number;
  sequenceLength: number;
  batchSize: number;
  families: string[];
  maxFailures: number;
  onlySequence?: number;
  onlyImplemented: boolean;
  /** Command specs left out (DIFF_EXCLUDE=object,lcs), to look past a known mismatch. */
  exclude: string[];
  shrinkBudgetMs: number;
  /** DIFF_FOCUS=zsets: that family makes most of the commands, the others a little (for wrong types). */
  focus?: string;
  /** DIFF_LONG=1: the long mode of the per-family runs (>= 100,000 commands per family and protocol). */
  long: boolean;
}

/** Fixed seeds of the default run; DIFF_SEED replaces them with one. */
export const DEFAULT_SEEDS = [1, 2, 3];

function intEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${text}'`);
  return n;
}

export function settingsFromEnv(): Settings {
  const seedText = process.env.DIFF_SEED;
  let seeds = DEFAULT_SEEDS;
  if (seedText === 'random') seeds = [Math.floor(Math.random() * 2 ** 31)];
  else if (seedText) seeds = [intEnv('DIFF_SEED', 0)];
  const protocolText = process.env.DIFF_PROTOCOL;
  const protocols: Array<2 | 3> = protocolText === '2' ? [2] : protocolText === '3' ? [3] : [2, 3];
  const sequence = process.env.DIFF_SEQUENCE;
  return {
    seeds,
    protocols,
    commands: intEnv('DIFF_COMMANDS', 60_000),
    sequenceLength: intEnv('DIFF_SEQUENCE_LENGTH', 200),
    batchSize: Math.max(1, intEnv('DIFF_BATCH', 250)),
    families: (process.env.DIFF_FAMILIES || DEFAULT_FAMILIES.join(','))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    maxFailures: Math.max(1, intEnv('DIFF_MAX_FAILURES', 5)),
    onlySequence: sequence === undefined || sequence === '' ? undefined : intEnv('DIFF_SEQUENCE', 0),
    onlyImplemented: process.env.DIFF_ONLY_IMPLEMENTED === '1',
    exclude: (process.env.DIFF_EXCLUDE ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
    shrinkBudgetMs: intEnv('DIFF_SHRINK_MS', 20_000),
    focus: process.env.DIFF_FOCUS || undefined,
    long: process.env.DIFF_LONG === '1',
  };
}

export interface Servers {
  redis: Endpoint;
  embedis: Endpoint;
  redisVersion: string;
  stop(): Promise<void>;
}

export { findRedisServer };

/**
 * Starts the oracle and embedis. With selfCheck, the second server is another
 * real redis-server: a run must then find nothing, which checks the harness
 * (determinism of the generator, TTL tolerances) rather than embedis.
 */
export async function startServers(binary: { path: string; version: string }, selfCheck = false): Promise<Servers> {
  if (selfCheck) {
    const a = await startRedisServer(binary);
    const b = await startRedisServer(binary).catch(async (error) => {
      await a.stop();
      throw error;
    });
    return {
      redis: { name: 'redis', host: a.host, port: a.port },
      embedis: { name: 'redis#2', host: b.host, port: b.port },
      redisVersion: a.version,
      stop: async () => {
        await Promise.allSettled([a.stop(), b.stop()]);
      },
    };
  }
  let real: RedisProcess | null = null;
  let ours: RunningServer | null = null;
  try {
    real = await startRedisServer(binary);
    ours = await startServer({ port: 0 });
    const embedded = ours;
    const redis: Endpoint = { name: 'redis', host: real.host, port: real.port };
    const embedis: Endpoint = {
      name: 'embedis',
      host: embedded.host,
      port: embedded.port,
      fallbackReset: () => {
        for (const db of embedded.server.dbs) db.clear();
      },
    };
    const started = real;
    return {
      redis,
      embedis,
      redisVersion: real.version,
      stop: async () => {
        await Promise.allSettled([started.stop(), embedded.close()]);
      },
    };
  } catch (error) {
    await real?.stop();
    await ours?.close();
    throw error;
  }
}

/** The command to probe for each command spec of the families (spec name -> probe). */
function probeFor(specName: string): string[] {
  switch (specName) {
    case 'short-expiry':
      return ['PEXPIRE'];
    case 'object':
      return ['OBJECT', 'ENCODING'];
    default:
      return [specName.toUpperCase()];
  }
}

/**
 * The families to generate from; with onlyImplemented, the commands embedis
 * does not know are left out (and listed), so the rest can be compared.
 */
export async function chooseFamilies(settings: Settings, embedis: Endpoint): Promise<{ families: Family[]; skipped: string[] }> {
  const chosen = settings.focus ? focusedFamilies(settings.focus) : familiesFrom(settings.families);
  const families = chosen.map((family) => ({
    ...family,
    commands: family.commands.filter((spec) => !settings.exclude.includes(spec.name)),
  }));
  if (!settings.onlyImplemented) return { families, skipped: [] };
  const probes = new Map<string, string[]>();
  for (const family of families) for (const spec of family.commands) probes.set(spec.name, probeFor(spec.name));
  const missing = new Set(await unknownCommands(embedis, probes));
  return {
    families: families.map((family) => ({ ...family, commands: family.commands.filter((spec) => !missing.has(spec.name)) })).filter((f) => f.commands.length > 0),
    skipped: [...missing],
  };
}

/** The runner's configuration for one seed and protocol of these settings. */
export function diffConfig(
  settings: Settings,
  run: { seed: number; resp: 2 | 3; commands: number; families: readonly Family[] },
  log: (line: string) => void,
  observe?: (args: readonly string[], redis: Reply) => void,
): DiffConfig {
  return {
    ...run,
    sequenceLength: settings.sequenceLength,
    batchSize: settings.batchSize,
    maxFailures: settings.maxFailures,
    onlySequence: settings.onlySequence,
    shrinkBudgetMs: settings.shrinkBudgetMs,
    log,
    observe,
  };
}
