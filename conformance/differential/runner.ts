// The differential runner: the same seeded command sequences against real
// redis-server and embedis, every reply compared as a typed tree. Each
// sequence starts on freshly flushed servers and is sent in pipelined
// batches; on the first mismatch the sequence is shrunk (chunks of steps
// removed while the same mismatch persists, each candidate replayed on
// flushed servers) and reported with the seed and the shortest repro.

import { RespConnection, ConnectionError } from './connection.js';
import { formatReply, quote, replyEquals, type Reply } from './resp.js';
import { generateSequence, stepSize, type Blocking, type Check, type Cmd, type Family, type Step } from './generator.js';

export interface Endpoint {
  name: string;
  host: string;
  port: number;
  /** Clears every database when the server answers FLUSHALL with an error (embedis before FLUSHALL exists). */
  fallbackReset?: () => void;
}

export interface DiffConfig {
  seed: number;
  resp: 2 | 3;
  /** Stop starting new sequences once this many commands were sent. */
  commands: number;
  /** Steps per sequence (each starts on flushed servers). */
  sequenceLength: number;
  /** Commands per pipelined round trip (at most; steps are never split). */
  batchSize: number;
  families: readonly Family[];
  /** Distinct mismatches to shrink and report before giving up on the seed. */
  maxFailures: number;
  /** Run only this sequence index (to reproduce one failure). */
  onlySequence?: number;
  /** Time allowed for shrinking one failure. */
  shrinkBudgetMs: number;
  log?: (line: string) => void;
  /** Sees every command of the main run with redis-server's reply (coverage statistics). */
  observe?: (args: readonly string[], redis: Reply) => void;
}

export interface Failure {
  seed: number;
  resp: 2 | 3;
  sequence: number;
  signature: string;
  originalSteps: number;
  steps: Step[];
  /** The shrunk sequence, replayed, with both servers' replies. */
  transcript: string;
  /** Same signature seen again in later sequences (not shrunk again). */
  occurrences: number;
  /** The shrunk sequence did not reproduce on every replay. */
  flaky: boolean;
}

export interface DiffResult {
  commandsRun: number;
  commandsMatched: number;
  sequences: number;
  sequencesFailed: number;
  failures: Failure[];
  /** Notes about the run (fallbacks used, commands skipped). */
  notes: string[];
}

interface Mismatch {
  step: number;
  args: string[];
  redis: Reply | string;
  embedis: Reply | string;
  signature: string;
  note?: string;
}

interface Outcome {
  matched: number;
  mismatch: Mismatch | null;
}

interface Recorded {
  args: string[];
  redis: Reply | string;
  embedis: Reply | string;
  equal: boolean;
  pauseAfterMs?: number;
}

class Side {
  conn: RespConnection | null = null;
  usedFallback = false;

  constructor(
    readonly endpoint: Endpoint,
    readonly resp: 2 | 3,
  ) {}

  async ensure(): Promise<RespConnection> {
    if (this.conn && !this.conn.closed) return this.conn;
    const conn = await RespConnection.open(this.endpoint.host, this.endpoint.port);
    if (this.resp === 3) {
      const hello = await conn.command('HELLO', '3');
      if (hello.type !== 'map') throw new Error(`${this.endpoint.name}: HELLO 3 answered ${formatReply(hello)}`);
    }
    this.conn = conn;
    return conn;
  }

  async reset(): Promise<void> {
    const conn = await this.ensure();
    const [select, flush] = await conn.pipeline([['SELECT', '0'], ['FLUSHALL']]);
    if (select.type !== 'simple') throw new Error(`${this.endpoint.name}: SELECT 0 answered ${formatReply(select)}`);
    if (flush.type !== 'simple') {
      if (!this.endpoint.fallbackReset) throw new Error(`${this.endpoint.name}: FLUSHALL answered ${formatReply(flush)}`);
      this.endpoint.fallbackReset();
      this.usedFallback = true;
    }
  }

  /** Extra connections for blocking steps (client B, C …), each with its CLIENT ID; on db 0. */
  private extras: Array<{ conn: RespConnection; id: string }> = [];

  async extra(index: number): Promise<{ conn: RespConnection; id: string }> {
    const known = this.extras[index];
    if (known && !known.conn.closed) return known;
    const conn = await RespConnection.open(this.endpoint.host, this.endpoint.port);
    if (this.resp === 3) await conn.command('HELLO', '3');
    const id = await conn.command('CLIENT', 'ID');
    if (id.type !== 'integer') throw new Error(`${this.endpoint.name}: CLIENT ID answered ${formatReply(id)}`);
    const made = { conn, id: String(id.value) };
    this.extras[index] = made;
    return made;
  }

  drop(): void {
    this.conn?.close();
    this.conn = null;
    for (const extra of this.extras) extra.conn.close();
    this.extras = [];
  }
}

/** blocked_clients of INFO clients. */
async function blockedClients(conn: RespConnection): Promise<number> {
  const info = await conn.command('INFO', 'clients');
  const text = info.type === 'bulk' || info.type === 'verbatim' ? info.value.toString('latin1') : '';
  return Number(/blocked_clients:(\d+)/.exec(text)?.[1] ?? -1);
}

interface Waiting {
  reply: Promise<Reply | string>;
  settled: boolean;
}

/** Sends a blocking command on an extra connection; resolves when it is blocked on the server or has answered. */
async function startWaiter(side: Side, index: number, args: readonly string[], blockedBefore: number): Promise<Waiting> {
  const { conn } = await side.extra(index);
  const main = await side.ensure();
  const waiting: Waiting = { reply: Promise.resolve(''), settled: false };
  waiting.reply = conn.command(...args).then(
    (reply) => {
      waiting.settled = true;
      return reply;
    },
    (error: Error) => {
      waiting.settled = true;
      return error.message;
    },
  );
  const deadline = Date.now() + 3000;
  while (!waiting.settled && Date.now() < deadline) {
    if ((await blockedClients(main)) > blockedBefore) break;
    await sleep(1);
  }
  return waiting;
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => fallback)]);
}

function sortedItems(items: Reply[]): string[] {
  return items.map((item) => formatReply(item, Infinity)).sort();
}

/** Whether two replies agree under a command's check. */
export function repliesAgree(check: Check, redis: Reply, embedis: Reply, previousRedis?: Reply, previousEmbedis?: Reply): boolean {
  if (replyEquals(redis, embedis)) return true;
  if (check === 'exact') return false;
  if (typeof check === 'object' && 'sample' in check) return sampleAgrees(check, redis, embedis, previousEmbedis);
  if (check === 'unordered') {
    if (redis.type !== embedis.type) return false;
    if (redis.type === 'map' && embedis.type === 'map') {
      const render = (pairs: Array<[Reply, Reply]>) =>
        pairs.map(([k, v]) => formatReply(k, Infinity) + '\u0000' + formatReply(v, Infinity)).sort();
      return JSON.stringify(render(redis.value)) === JSON.stringify(render(embedis.value));
    }
    if ((redis.type === 'array' || redis.type === 'set') && (embedis.type === 'array' || embedis.type === 'set')) {
      return JSON.stringify(sortedItems(redis.value)) === JSON.stringify(sortedItems(embedis.value));
    }
    return false;
  }
  if (check === 'randomkey') {
    const many = previousRedis?.type === 'integer' && previousRedis.value > 1n;
    return many && redis.type === 'bulk' && embedis.type === 'bulk';
  }
  if (redis.type !== 'integer' || embedis.type !== 'integer') return false;
  if (redis.value < 0n || embedis.value < 0n) return false;
  const delta = redis.value > embedis.value ? redis.value - embedis.value : embedis.value - redis.value;
  return delta <= BigInt(check.tolerance);
}

/** A reply as canonical items: members, or field/value and member/score pairs joined by a NUL. */
function itemsOf(reply: Reply, pairs: boolean): string[] | null {
  if (reply.type === 'map') return reply.value.map(([k, v]) => formatReply(k, Infinity) + '\u0000' + formatReply(v, Infinity));
  if (reply.type !== 'array' && reply.type !== 'set') return null;
  const list = reply.value;
  if (!pairs) return list.map((item) => formatReply(item, Infinity));
  if (list.every((item) => item.type === 'array' && item.value.length === 2)) {
    return list.map((item) => (item.type === 'array' ? item.value.map((x) => formatReply(x, Infinity)).join('\u0000') : ''));
  }
  if (list.length % 2 !== 0) return null;
  const out: string[] = [];
  for (let i = 0; i < list.length; i += 2) out.push(formatReply(list[i], Infinity) + '\u0000' + formatReply(list[i + 1], Infinity));
  return out;
}

/** A random draw: same type and count as the oracle's, each element from this server's listing just before. */
function sampleAgrees(check: { sample: 'distinct' | 'repeat'; pairs: boolean }, redis: Reply, embedis: Reply, listing?: Reply): boolean {
  if (redis.type !== embedis.type || listing === undefined) return false;
  const pool = itemsOf(listing, check.pairs);
  if (pool === null) return false;
  const allowed = new Set(pool);
  if (embedis.type === 'bulk') return allowed.has(formatReply(embedis, Infinity));
  const ours = itemsOf(embedis, check.pairs);
  const theirs = itemsOf(redis, check.pairs);
  if (ours === null || theirs === null || ours.length !== theirs.length) return false;
  if (!ours.every((item) => allowed.has(item))) return false;
  if (check.sample === 'distinct' && new Set(ours).size !== ours.length) return false;
  // The shape of each element (RESP3 pairs as arrays, RESP2 flat) must match too.
  return JSON.stringify(redis.type === 'array' ? redis.value.map((x) => x.type) : []) === JSON.stringify(embedis.type === 'array' ? embedis.value.map((x) => x.type) : []);
}

function describe(reply: Reply | string): string {
  if (typeof reply === 'string') return 'connection';
  if (reply.type === 'error') return 'error(' + reply.value.split(' ').slice(0, 3).join(' ') + ')';
  return reply.type;
}

function signatureOf(args: readonly string[], redis: Reply | string, embedis: Reply | string): string {
  const name = (args[0] ?? '').toUpperCase();
  const sub = name === 'OBJECT' && args[1] ? ' ' + args[1].toUpperCase() : '';
  return `${name}${sub}: redis ${describe(redis)} / embedis ${describe(embedis)}`;
}

interface ScanResult {
  first: Reply;
  keys?: string[];
}

function scanShape(reply: Reply): { cursor: string; keys: string[] } | null {
  if (reply.type !== 'array' || reply.value.length !== 2) return null;
  const [cursor, keys] = reply.value;
  if (cursor.type !== 'bulk' || keys.type !== 'array') return null;
  const out: string[] = [];
  for (const key of keys.value) {
    if (key.type !== 'bulk') return null;
    out.push(key.value.toString('latin1'));
  }
  return { cursor: cursor.value.toString('latin1'), keys: out };
}

async function fullScan(conn: RespConnection, args: readonly string[], head: readonly string[] = ['SCAN'], pairs = false): Promise<ScanResult> {
  let cursor = args[0];
  const options = args.slice(1);
  const keys = new Set<string>();
  let first: Reply | null = null;
  for (let calls = 0; calls < 100_000; calls++) {
    const reply = await conn.command(...head, cursor, ...options);
    first ??= reply;
    const shape = scanShape(reply);
    if (!shape || (pairs && shape.keys.length % 2 !== 0)) return { first };
    if (pairs) for (let i = 0; i < shape.keys.length; i += 2) keys.add(shape.keys[i] + '\u0000' + shape.keys[i + 1]);
    else for (const key of shape.keys) keys.add(key);
    cursor = shape.cursor;
    if (cursor === '0') return { first, keys: [...keys].sort() };
  }
  return { first: first as Reply };
}

function keysReply(keys: readonly string[]): Reply {
  return { type: 'array', value: keys.map((k) => ({ type: 'bulk', value: Buffer.from(k, 'latin1') }) as Reply) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one sequence on freshly flushed servers; stops at the first mismatch. */
async function runSequence(
  sides: readonly [Side, Side],
  steps: readonly Step[],
  batchSize: number,
  record?: Recorded[],
  observe?: (args: readonly string[], redis: Reply) => void,
): Promise<Outcome> {
  await Promise.all(sides.map((side) => side.reset()));
  let matched = 0;
  let batch: Array<{ cmd: Cmd; step: number }> = [];

  const flush = async (): Promise<Mismatch | null> => {
    if (batch.length === 0) return null;
    const sent = batch;
    batch = [];
    const settled = await Promise.allSettled(sides.map(async (side) => (await side.ensure()).pipeline(sent.map((s) => s.cmd.args))));
    const [r, e] = settled;
    if (r.status === 'rejected' || e.status === 'rejected') {
      const reason = (x: PromiseSettledResult<Reply[]>, side: Side): string => {
        if (x.status === 'fulfilled') return 'replied';
        side.drop();
        const error = x.reason as Error;
        if (!(error instanceof ConnectionError)) throw error;
        return error.message;
      };
      const last = sent[sent.length - 1];
      const redis = reason(r, sides[0]);
      const embedis = reason(e, sides[1]);
      record?.push({ args: last.cmd.args, redis, embedis, equal: false });
      const signature = `connection: redis ${redis === 'replied' ? 'ok' : 'failed'} / embedis ${embedis === 'replied' ? 'ok' : 'failed'}`;
      return {
        step: last.step,
        args: last.cmd.args,
        redis,
        embedis,
        signature,
        note: `a connection failed during a batch of ${sent.length} commands`,
      };
    }
    const redisReplies = r.value;
    const embedisReplies = e.value;
    for (let i = 0; i < sent.length; i++) {
      const { cmd, step } = sent[i];
      const equal = repliesAgree(
        cmd.check,
        redisReplies[i],
        embedisReplies[i],
        i > 0 ? redisReplies[i - 1] : undefined,
        i > 0 ? embedisReplies[i - 1] : undefined,
      );
      record?.push({ args: cmd.args, redis: redisReplies[i], embedis: embedisReplies[i], equal });
      observe?.(cmd.args, redisReplies[i]);
      if (!equal) {
        return {
          step,
          args: cmd.args,
          redis: redisReplies[i],
          embedis: embedisReplies[i],
          signature: signatureOf(cmd.args, redisReplies[i], embedisReplies[i]),
        };
      }
      matched++;
    }
    return null;
  };

  for (let index = 0; index < steps.length; index++) {
    const step = steps[index];
    if (step.blocking) {
      // The step's cmds (SELECT 0, DEL of the queues …) go first, with the batch.
      for (const cmd of step.cmds) batch.push({ cmd, step: index });
      const early = await flush();
      if (early) return { matched, mismatch: early };
      const late = await runBlockingStep(sides, step.blocking, index, record, observe);
      matched += late.matched;
      if (late.mismatch) return { matched, mismatch: late.mismatch };
      continue;
    }
    if (step.scan) {
      const early = await flush();
      if (early) return { matched, mismatch: early };
      const head = step.scanHead ?? ['SCAN'];
      const [a, b] = await Promise.all(sides.map(async (side) => fullScan(await side.ensure(), step.scan as string[], head, step.scanPairs)));
      const args = [...head, ...step.scan];
      let equal: boolean;
      let redis: Reply = a.first;
      let embedis: Reply = b.first;
      if (a.keys && b.keys) {
        redis = keysReply(a.keys);
        embedis = keysReply(b.keys);
        equal = replyEquals(redis, embedis);
      } else {
        equal = replyEquals(a.first, b.first);
      }
      record?.push({ args: [...args, '(full iteration, union of keys)'], redis, embedis, equal });
      observe?.(args, a.first);
      if (!equal) {
        return {
          matched,
          mismatch: { step: index, args, redis, embedis, signature: signatureOf(args, redis, embedis), note: `full ${head[0]} iteration: union of ${step.scanPairs ? 'pairs' : 'elements'}, sorted` },
        };
      }
      matched++;
      continue;
    }
    for (const cmd of step.cmds) batch.push({ cmd, step: index });
    if (step.pauseMs !== undefined) {
      const early = await flush();
      if (early) return { matched, mismatch: early };
      if (record && record.length) record[record.length - 1].pauseAfterMs = step.pauseMs;
      await sleep(step.pauseMs);
      for (const cmd of step.after ?? []) batch.push({ cmd, step: index });
    }
    if (batch.length >= batchSize) {
      const early = await flush();
      if (early) return { matched, mismatch: early };
    }
  }
  const last = await flush();
  return { matched, mismatch: last };
}

/**
 * A blocking step: each waiter's command goes out on its own extra connection
 * (db 0), in order, each once the server counts it as blocked (or it
 * answered), so the FIFO order of waiters is the same on both servers; then
 * the main connection sends `then` (pushes, MULTI/EXEC …); then, with
 * `unblock`, CLIENT UNBLOCK for every waiter (1 if it was still waiting: its
 * reply is the timeout's null); then every waiter's reply is compared.
 */
async function runBlockingStep(
  sides: readonly [Side, Side],
  blocking: Blocking,
  index: number,
  record?: Recorded[],
  observe?: (args: readonly string[], redis: Reply) => void,
): Promise<Outcome> {
  let matched = 0;
  const compare = (args: string[], check: Check, redis: Reply | string, embedis: Reply | string): Mismatch | null => {
    if (typeof redis !== 'string') observe?.(args, redis);
    const equal = typeof redis !== 'string' && typeof embedis !== 'string' && repliesAgree(check, redis, embedis);
    record?.push({ args, redis, embedis, equal });
    if (equal) {
      matched++;
      return null;
    }
    return { step: index, args, redis, embedis, signature: signatureOf(args, redis, embedis), note: 'blocking step: commands marked [B1] … ran on extra connections' };
  };
  const waiters: Array<[Waiting, Waiting]> = [];
  for (let i = 0; i < blocking.waiters.length; i++) {
    const args = blocking.waiters[i].args;
    const pending = (side: number) => waiters.filter((w) => !w[side].settled).length;
    const pair = (await Promise.all(sides.map((side, s) => startWaiter(side, i, args, pending(s))))) as [Waiting, Waiting];
    waiters.push(pair);
  }
  if (blocking.then.length) {
    const replies = await Promise.all(sides.map(async (side) => (await side.ensure()).pipeline(blocking.then.map((c) => c.args))));
    for (let i = 0; i < blocking.then.length; i++) {
      const bad = compare(blocking.then[i].args, blocking.then[i].check, replies[0][i], replies[1][i]);
      if (bad) return { matched, mismatch: bad };
    }
  }
  if (blocking.unblock) {
    for (let i = 0; i < waiters.length; i++) {
      const replies = await Promise.all(sides.map(async (side) => (await side.ensure()).command('CLIENT', 'UNBLOCK', (await side.extra(i)).id)));
      const bad = compare(['CLIENT', 'UNBLOCK', `<id of B${i + 1}>`], 'exact', replies[0], replies[1]);
      if (bad) return { matched, mismatch: bad };
    }
  }
  for (let i = 0; i < waiters.length; i++) {
    const [a, b] = await Promise.all(waiters[i].map((w) => withTimeout(w.reply, 5000, 'no reply within 5 s')));
    const bad = compare([`[B${i + 1}]`, ...blocking.waiters[i].args], blocking.waiters[i].check, a, b);
    if (bad) {
      // A waiter that never answered leaves its connection blocked: start afresh.
      for (const side of sides) side.drop();
      return { matched, mismatch: bad };
    }
  }
  return { matched, mismatch: null };
}

/** Removes chunks of steps while the same mismatch persists (a ddmin over steps). */
async function shrink(
  sides: readonly [Side, Side],
  steps: Step[],
  signature: string,
  batchSize: number,
  budgetMs: number,
): Promise<Step[]> {
  const deadline = Date.now() + budgetMs;
  const reproduces = async (candidate: Step[]): Promise<Step[] | null> => {
    const outcome = await runSequence(sides, candidate, batchSize);
    if (outcome.mismatch && outcome.mismatch.signature === signature) return candidate.slice(0, outcome.mismatch.step + 1);
    return null;
  };
  let current = steps;
  let chunk = Math.max(1, Math.ceil(current.length / 2));
  while (chunk >= 1 && Date.now() < deadline) {
    let progressed = false;
    let start = 0;
    while (start < current.length && Date.now() < deadline) {
      const candidate = [...current.slice(0, start), ...current.slice(start + chunk)];
      const smaller = candidate.length > 0 ? await reproduces(candidate) : null;
      if (smaller) {
        current = smaller;
        progressed = true;
      } else {
        start += chunk;
      }
    }
    if (!progressed) {
      if (chunk === 1) break;
      chunk = Math.ceil(chunk / 2);
    } else {
      chunk = Math.min(chunk, Math.max(1, Math.ceil(current.length / 2)));
    }
  }
  return current;
}

/** A command as redis-cli would take it in interactive mode (quoted, \xNN escapes). */
export function formatCommand(args: readonly string[]): string {
  return args.map((arg, i) => (i === 0 && /^[A-Za-z]+$/.test(arg) ? arg : quote(arg))).join(' ');
}

function formatSide(reply: Reply | string): string {
  return typeof reply === 'string' ? `(${reply})` : formatReply(reply);
}

function transcript(records: readonly Recorded[]): string {
  const lines: string[] = [];
  for (const rec of records) {
    const command = formatCommand(rec.args);
    if (rec.equal) {
      lines.push(`  ${command}\n      -> ${formatSide(rec.redis)}`);
    } else {
      lines.push(`  ${command}\n      redis:   ${formatSide(rec.redis)}\n      embedis: ${formatSide(rec.embedis)}   <-- MISMATCH`);
    }
    if (rec.pauseAfterMs !== undefined) lines.push(`  (wait ${rec.pauseAfterMs} ms)`);
  }
  return lines.join('\n');
}

export function formatFailure(failure: Failure, script = 'strings-keys.test.js', env = ''): string {
  const commands = failure.steps.reduce((n, step) => n + stepSize(step), 0);
  const head =
    `MISMATCH ${failure.signature}\n` +
    `  seed ${failure.seed}, RESP${failure.resp}, sequence ${failure.sequence}: shrunk from ${failure.originalSteps} steps to ${failure.steps.length} (${commands} commands)` +
    (failure.occurrences > 1 ? `; seen in ${failure.occurrences} sequences` : '') +
    (failure.flaky ? '\n  (FLAKY: the shrunk sequence did not reproduce on every replay)' : '');
  const again = `  reproduce: DIFF_SEED=${failure.seed} DIFF_PROTOCOL=${failure.resp} DIFF_SEQUENCE=${failure.sequence} ${env}node dist/conformance/differential/${script}`;
  return `${head}\n${failure.transcript}\n${again}`;
}

/** Runs sequences of one seed in one protocol until `commands` commands were sent. */
export async function runDifferential(redis: Endpoint, embedis: Endpoint, config: DiffConfig): Promise<DiffResult> {
  const sides = [new Side(redis, config.resp), new Side(embedis, config.resp)] as const;
  const result: DiffResult = { commandsRun: 0, commandsMatched: 0, sequences: 0, sequencesFailed: 0, failures: [], notes: [] };
  const bySignature = new Map<string, Failure>();
  try {
    for (let sequence = config.onlySequence ?? 0; ; sequence++) {
      if (config.onlySequence === undefined && result.commandsRun >= config.commands) break;
      if (config.onlySequence !== undefined && sequence > config.onlySequence) break;
      const steps = generateSequence([config.seed, config.resp, sequence], config.families, config.sequenceLength);
      const outcome = await runSequence(sides, steps, config.batchSize, undefined, config.observe);
      result.sequences++;
      result.commandsMatched += outcome.matched;
      const mismatch = outcome.mismatch;
      if (!mismatch) {
        result.commandsRun += steps.reduce((n, step) => n + stepSize(step), 0);
        continue;
      }
      result.commandsRun += outcome.matched + 1;
      result.sequencesFailed++;
      const known = bySignature.get(mismatch.signature);
      if (known) {
        known.occurrences++;
        continue;
      }
      if (bySignature.size >= config.maxFailures) break;
      const failing = steps.slice(0, mismatch.step + 1);
      config.log?.(`  RESP${config.resp} seed ${config.seed} sequence ${sequence}: ${mismatch.signature}; shrinking ${failing.length} steps …`);
      const shrunk = await shrink(sides, failing, mismatch.signature, config.batchSize, config.shrinkBudgetMs);
      let flaky = false;
      for (let replay = 0; replay < 3; replay++) {
        const again = await runSequence(sides, shrunk, config.batchSize);
        if (!again.mismatch || again.mismatch.signature !== mismatch.signature) flaky = true;
      }
      // Replayed one command per round trip, so a dropped connection points at its command.
      const records: Recorded[] = [];
      await runSequence(sides, shrunk, 1, records);
      const failure: Failure = {
        seed: config.seed,
        resp: config.resp,
        sequence,
        signature: mismatch.signature,
        originalSteps: failing.length,
        steps: shrunk,
        transcript: transcript(records) + (mismatch.note ? `\n  (${mismatch.note})` : ''),
        occurrences: 1,
        flaky,
      };
      bySignature.set(mismatch.signature, failure);
      result.failures.push(failure);
    }
  } finally {
    if (sides[1].usedFallback) result.notes.push(`${embedis.name} answered FLUSHALL with an error: databases were cleared in-process`);
    if (sides[0].usedFallback) result.notes.push(`${redis.name} answered FLUSHALL with an error: databases were cleared in-process`);
    for (const side of sides) side.drop();
  }
  return result;
}

/** Command names a server does not know (ERR unknown command/subcommand), from one probe each. */
export async function unknownCommands(endpoint: Endpoint, probes: ReadonlyMap<string, string[]>): Promise<string[]> {
  const conn = await RespConnection.open(endpoint.host, endpoint.port);
  try {
    const names = [...probes.keys()];
    const replies = await conn.pipeline(names.map((name) => probes.get(name) as string[]));
    return names.filter((_, i) => {
      const reply = replies[i];
      return reply.type === 'error' && /^ERR unknown (command|subcommand)/.test(reply.value);
    });
  } finally {
    conn.close();
  }
}
