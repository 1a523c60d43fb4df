// Unit tests of the directive table (server/config.ts) and of redis.conf
// reading and rewriting (server/config-file.ts). Expected texts come from a
// real redis-server 7.0.15.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Config, ConfigError, ConfigSetError, globMatch, normalizeKeyspaceEvents, parseMemory, saveParams } from '../server/config.js';
import {
  ConfigFileError,
  loadConfigText,
  loadServerConfig,
  parseServerArgs,
  quoteArg,
  rewriteConfigText,
  splitArgs,
} from '../server/config-file.js';

const test = suite('config');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedis-config-'));

function loadError(text: string, config = new Config()): ConfigFileError {
  try {
    loadConfigText(config, text);
  } catch (error) {
    if (error instanceof ConfigFileError) return error;
    throw error;
  }
  throw new Error(`no error loading ${JSON.stringify(text)}`);
}

function setError(config: Config, pairs: Array<[string, string]>, allowProtected = false): string {
  try {
    config.setMany(pairs, { allowProtected });
  } catch (error) {
    if (error instanceof ConfigSetError) return `ERR ${error.message}`;
    throw error;
  }
  throw new Error(`no error setting ${JSON.stringify(pairs)}`);
}

// ---- defaults ---------------------------------------------------------------------

test('every Redis 7.0 parameter exists with the default CONFIG GET prints', () => {
  const config = new Config();
  const ours = new Map(config.match(['*']));
  // embedis binds loopback by default (a dev server stays private); everything else is Redis's.
  const deviations: Record<string, string> = { bind: '127.0.0.1 -::1', dir: process.cwd() };
  for (const [name, value] of REDIS_DEFAULTS) {
    assert.ok(ours.has(name), `missing parameter ${name}`);
    const expected = name in deviations ? deviations[name] : value;
    assert.is(ours.get(name), expected, name);
  }
  assert.is(ours.size, REDIS_DEFAULTS.length, 'no parameter Redis does not list');
});

test('typed accessors read parsed values', () => {
  const config = new Config();
  assert.is(config.int('maxmemory'), 0);
  assert.is(config.int('proto-max-bulk-len'), 512 * 1024 * 1024);
  assert.is(config.bool('protected-mode'), true);
  assert.is(config.string('maxmemory-policy'), 'noeviction');
  assert.is(config.int('hash-max-ziplist-entries'), 512);
  assert.equal(saveParams(config.string('save')), [
    { seconds: 3600, changes: 1 },
    { seconds: 300, changes: 100 },
    { seconds: 60, changes: 10000 },
  ]);
  assert.is(config.string('dir'), process.cwd());
});

// ---- values ---------------------------------------------------------------------

test('memory units, any case, printed as bytes', () => {
  const config = new Config();
  const cases: Array<[string, string]> = [
    ['1', '1'],
    ['1b', '1'],
    ['1k', '1000'],
    ['1kb', '1024'],
    ['1KB', '1024'],
    ['1Kb', '1024'],
    ['2m', '2000000'],
    ['2mb', '2097152'],
    ['1g', '1000000000'],
    ['1GB', '1073741824'],
    ['05', '5'],
    ['', '0'],
    ['18446744073709551615', '18446744073709551615'],
    ['99999999999999999999999', '18446744073709551615'],
  ];
  for (const [text, printed] of cases) {
    config.set('maxmemory', text);
    assert.is(config.text('maxmemory'), printed, text);
  }
  assert.is(parseMemory('10mb'), 10 * 1024 * 1024);
  assert.is(parseMemory('1.5mb'), null);
  assert.is(parseMemory('-1'), null);
});

test('CONFIG SET error texts match Redis 7.0 and change nothing', () => {
  const config = new Config();
  const cases: Array<[Array<[string, string]>, string]> = [
    [[['maxmemory', 'abc']], "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"],
    [[['hz', '-1']], "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and 2147483647 inclusive"],
    [[['hz', '1.5']], "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"],
    [[['hz', '05']], "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"],
    [
      [['maxmemory-policy', 'foo']],
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
    ],
    [[['nosuch', '1']], "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"],
    [[['databases', '3']], "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"],
    [[['hz', '5'], ['hz', '6']], "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter"],
    [[['maxmemory', '10'], ['MAXMEMORY', '20']], "ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter"],
    [[['hz', 'abc'], ['nosuch', '1']], "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"],
    [[['databases', '1'], ['nosuch', '1']], "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"],
    [[['MAXMEMORY', 'abc']], "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"],
    [[['slave-priority', 'abc']], "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument couldn't be parsed into an integer"],
    [[['protected-mode', 'maybe']], "ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument must be 'yes' or 'no'"],
    [[['maxclients', '0']], "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"],
    [[['maxclients', '-1']], "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"],
    [
      [['hash-max-listpack-entries', '9223372036854775808']],
      "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - argument couldn't be parsed into an integer",
    ],
    [[['maxmemory-clients', '101%']], "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100"],
    [[['maxmemory-clients', '-5']], "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument must be a memory or percent value"],
    [[['loglevel', 'nothing']], "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning"],
    [[['save', '100 10 200']], "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
    [[['save', '0 1']], "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
    [[['notify-keyspace-events', 'Q']], "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."],
    [
      [['client-output-buffer-limit', 'normal 1 2']],
      "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number of arguments in buffer limit configuration.",
    ],
    [
      [['client-output-buffer-limit', 'master 1 2 3']],
      "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration.",
    ],
    [
      [['oom-score-adj-values', '1 2 3000']],
      "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - Invalid oom-score-adj-values, elements must be between -2000 and 2000.",
    ],
    [[['replicaof', 'a b']], "ERR CONFIG SET failed (possibly related to argument 'replicaof') - can't set immutable config"],
    [[['dir', '/tmp']], "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"],
    [[['dbfilename', 'x.rdb']], "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config"],
    [[['tls-port', '6380']], "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to update TLS configuration. Check server logs."],
    [
      [['shutdown-on-sigint', 'nosave save']],
      "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - shutdown options SAVE and NOSAVE can't be used simultaneously",
    ],
    [[['hz', '5'], ['maxmemory', 'abc']], "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"],
  ];
  const before = config.match(['*']);
  for (const [pairs, expected] of cases) assert.is(setError(config, pairs), expected, JSON.stringify(pairs));
  assert.equal(config.match(['*']), before, 'a failed CONFIG SET changes nothing');
});

test('CONFIG SET of several pairs; aliases are separate entries; values normalised', () => {
  const config = new Config();
  config.setMany([
    ['maxmemory', '1gb'],
    ['maxmemory-policy', 'ALLKEYS-LRU'],
    ['slave-priority', '1'],
    ['replica-priority', '2'],
  ]);
  assert.is(config.text('maxmemory'), '1073741824');
  assert.is(config.text('maxmemory-policy'), 'allkeys-lru');
  assert.is(config.text('slave-priority'), '2');
  config.setMany([['hz', '100000']]);
  assert.is(config.text('hz'), '500', 'hz is capped like Redis');
  config.setMany([['hz', '0']]);
  assert.is(config.int('hz'), 1);
  config.setMany([['notify-keyspace-events', 'KEA']]);
  assert.is(config.text('notify-keyspace-events'), 'AKE');
  config.setMany([['client-output-buffer-limit', 'Normal 1 2 3 replica 1mb 2mb 4']]);
  assert.is(config.text('client-output-buffer-limit'), 'normal 1 2 3 slave 1048576 2097152 4 pubsub 33554432 8388608 60');
  config.setMany([['save', '10 +5']]);
  assert.is(config.text('save'), '10 5');
  config.setMany([['save', '']]);
  assert.is(config.text('save'), '');
  config.setMany([['oom-score-adj', 'relative']]);
  assert.is(config.text('oom-score-adj'), 'yes');
  config.setMany([['shutdown-on-sigint', 'now save force']]);
  assert.is(config.text('shutdown-on-sigint'), 'save now force');
  config.setMany([['maxmemory-clients', '5%']]);
  assert.is(config.text('maxmemory-clients'), '5%');
  config.setMany([['latency-tracking-info-percentiles', '50 99.5 1e1']]);
  assert.is(config.text('latency-tracking-info-percentiles'), '50 99.5 10');
  config.setMany([['repl-backlog-size', '1']]);
  assert.is(config.text('repl-backlog-size'), '16384');
});

test('notify-keyspace-events is printed as Redis prints it', () => {
  const cases: Array<[string, string]> = [
    ['Kx$g', 'g$xK'],
    ['Km', 'Km'],
    ['Ag$lshzxeKEtmdn', 'AKEm'],
    ['g$lshzxetd', 'A'],
    ['Kn', 'nK'],
    ['KEmn', 'nKEm'],
    ['Ee', 'eE'],
    ['KKK', 'K'],
    ['', ''],
  ];
  for (const [input, printed] of cases) assert.is(normalizeKeyspaceEvents(input), printed, input);
  assert.is(normalizeKeyspaceEvents('Q'), null);
});

test('protected configs: dir changes the cwd when allowed', () => {
  const config = new Config();
  const cwd = process.cwd();
  try {
    assert.is(
      setError(config, [['dir', '/nonexistent-embedis']], true),
      "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory",
    );
    assert.is(process.cwd(), cwd);
    config.setMany([['dir', tmp]], { allowProtected: true });
    assert.is(process.cwd(), fs.realpathSync(tmp));
    assert.is(config.text('dir'), fs.realpathSync(tmp));
  } finally {
    process.chdir(cwd);
  }
});

test('onChange: called with the parsed value; a refusing listener rolls the whole set back', () => {
  const config = new Config();
  const seen: unknown[] = [];
  config.onChange('maxmemory', (v) => seen.push(v));
  config.onChange('hz', (v) => {
    if (v === 7) throw new ConfigError('seven is refused');
  });
  config.setMany([['maxmemory', '1kb']]);
  assert.equal(seen, [1024]);
  assert.is(
    setError(config, [['maxmemory', '2kb'], ['hz', '7']]),
    "ERR CONFIG SET failed (possibly related to argument 'hz') - seven is refused",
  );
  assert.is(config.int('maxmemory'), 1024, 'rolled back');
  assert.is(config.int('hz'), 10);
  assert.equal(seen, [1024, 2048, 1024]);
});

test('CONFIG GET patterns: globs over names and aliases, exact names as given, no duplicates, hidden ones exact only', () => {
  const config = new Config();
  assert.equal(config.match(['hz', 'hz', 'HZ']), [['hz', '10']]);
  assert.equal(config.match(['MaxMemory']), [['MaxMemory', '0']]);
  assert.equal(config.match(['nosuch']), []);
  assert.equal(new Set(config.match(['*read-only*']).map(([n]) => n)), new Set(['replica-read-only', 'slave-read-only']));
  assert.equal(config.match(['[hm]z']), [['hz', '10']]);
  assert.equal(config.match(['rdb-key-save-delay']), [['rdb-key-save-delay', '0']]);
  assert.not.ok(config.match(['*delay*']).some(([n]) => n === 'rdb-key-save-delay'));
  const both = config.match(['hash-max-*', 'hash-max-ziplist-*']).map(([n]) => n);
  assert.is(both.length, 4);
  assert.ok(globMatch('h?llo', 'hello'));
  assert.ok(globMatch('h[^e]llo', 'hallo'));
  assert.not.ok(globMatch('h[^e]llo', 'hello'));
  assert.ok(globMatch('h[a-b]llo', 'hbllo'));
  assert.ok(globMatch('H*', 'hz', true));
  assert.not.ok(globMatch('H*', 'hz', false));
  assert.ok(globMatch('a\\*b', 'a*b'));
});

// ---- redis.conf reading ------------------------------------------------------------

test('splitArgs: quotes and escapes like sdssplitargs', () => {
  assert.equal(splitArgs('save 900 1'), ['save', '900', '1']);
  assert.equal(splitArgs('  requirepass   "a b"  '), ['requirepass', 'a b']);
  assert.equal(splitArgs('x "a\\nb\\x41\\"\\\\"'), ['x', 'a\nbA"\\']);
  assert.equal(splitArgs("x 'it\\'s \\n'"), ['x', "it's \\n"]);
  assert.equal(splitArgs('x ""'), ['x', '']);
  assert.equal(splitArgs('x "\\xff"'), ['x', '\xff']);
  assert.equal(splitArgs('x "abc'), null);
  assert.equal(splitArgs('x "abc"d'), null);
  assert.equal(splitArgs("x 'abc"), null);
  assert.equal(splitArgs(''), []);
  assert.is(quoteArg('a "b"\n\xff'), '"a \\"b\\"\\n\\xff"');
});

test('a config file: comments, quotes, units, several arguments, aliases, accumulated save lines', () => {
  const config = new Config();
  loadConfigText(
    config,
    [
      '# a comment',
      '',
      '   maxmemory 100MB   ',
      'maxmemory-policy allkeys-lru',
      'requirepass "se cr\\x41t"',
      "masteruser 'it\\'s'",
      'save 900 1',
      'save 300 10',
      'client-output-buffer-limit normal 1mb 2mb 3 pubsub 0 0 0',
      'hash-max-ziplist-entries 64',
      'SLAVE-READ-ONLY no',
      'list-max-ziplist-entries 5',
      'bind 127.0.0.1 ::1',
      'notify-keyspace-events "Kx"',
      '\tport 7000\r',
    ].join('\n'),
  );
  assert.is(config.int('maxmemory'), 100 * 1024 * 1024);
  assert.is(config.string('maxmemory-policy'), 'allkeys-lru');
  assert.is(config.string('requirepass'), 'se crAt');
  assert.is(config.string('masteruser'), "it's");
  assert.is(config.text('save'), '900 1 300 10');
  assert.is(config.text('client-output-buffer-limit'), 'normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 0 0 0');
  assert.is(config.int('hash-max-listpack-entries'), 64);
  assert.is(config.bool('replica-read-only'), false);
  assert.is(config.string('bind'), '127.0.0.1 ::1');
  assert.is(config.text('notify-keyspace-events'), 'xK');
  assert.is(config.int('port'), 7000);
});

test('save "" clears, later save lines add again', () => {
  const config = new Config();
  loadConfigText(config, 'save 100 1\nsave 200 2\nsave ""');
  assert.is(config.text('save'), '');
  const other = new Config();
  loadConfigText(other, 'save ""\nsave 5 5');
  assert.is(other.text('save'), '5 5');
});

test('include: relative to the current directory, recursive, patterns', () => {
  fs.mkdirSync(path.join(tmp, 'conf.d'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'inc.conf'), 'hz 42\ninclude conf.d/*.conf\n');
  fs.writeFileSync(path.join(tmp, 'conf.d', 'a.conf'), 'maxmemory 1kb\n');
  fs.writeFileSync(path.join(tmp, 'conf.d', 'b.conf'), 'maxmemory 2kb\n');
  const cwd = process.cwd();
  process.chdir(tmp);
  try {
    const config = new Config();
    loadConfigText(config, 'hz 1\ninclude inc.conf\ninclude conf.d/*.nothing');
    assert.is(config.int('hz'), 42);
    assert.is(config.int('maxmemory'), 2048);
    const error = loadError('include missing.conf');
    assert.ok(error.logLine);
    assert.is(error.reason, "Fatal error, can't open config file 'missing.conf': No such file or directory");
  } finally {
    process.chdir(cwd);
  }
});

test('errors: Redis\'s fatal banner with the line number and the line', () => {
  const banner = (line: number, text: string, reason: string) =>
    `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${line}\n>>> '${text}'\n${reason}\n`;
  assert.is(loadError('port 7141\nmaxmemory abc\n').render(), banner(2, 'maxmemory abc', 'argument must be a memory value'));
  assert.is(loadError('nosuch 1').render(), banner(1, 'nosuch 1', 'Bad directive or wrong number of arguments'));
  assert.is(loadError('# c\nhz 1 2').render(), banner(2, 'hz 1 2', 'wrong number of arguments'));
  assert.is(loadError('hz').render(), banner(1, 'hz', 'wrong number of arguments'));
  assert.is(loadError('save 1').render(), banner(1, 'save 1', 'Invalid save parameters'));
  assert.is(loadError('maxmemory "abc').render(), banner(1, 'maxmemory "abc', 'Unbalanced quotes in configuration line'));
  assert.is(loadError('databases 0').render(), banner(1, 'databases 0', 'argument must be between 1 and 2147483647 inclusive'));
  assert.is(loadError('dir /nonexistent-embedis').render(), banner(1, 'dir /nonexistent-embedis', 'No such file or directory'));
  assert.is(loadError('slaveof a').render(), banner(1, 'slaveof a', 'wrong number of arguments'));
  assert.is(loadError('slaveof a b').render(), banner(1, 'slaveof a b', 'Invalid master port'));
  assert.is(loadError('requirepass "a\\x41b"\n daemonize maybe').render(), banner(2, 'daemonize maybe', "argument must be 'yes' or 'no'"));
  assert.is(
    loadError('client-output-buffer-limit normal 1 2').render(),
    banner(1, 'client-output-buffer-limit normal 1 2', 'Wrong number of arguments in buffer limit configuration.'),
  );
  assert.is(loadError('logfile /nonexistent-embedis/x.log').render(), "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n");
  // Immutable parameters are fine in a file.
  const config = new Config();
  loadConfigText(config, 'databases 4\nreplicaof 127.0.0.1 6380\nappendfilename "x.aof"');
  assert.is(config.int('databases'), 4);
  assert.is(config.string('replicaof'), '127.0.0.1 6380');
});

test('command line: options after the file, quoted, counted in line numbers like redis-server', () => {
  assert.equal(parseServerArgs(['--port', '7141', '--maxmemory', 'abc']), { configFile: null, fromStdin: false, options: 'port "7141" \nmaxmemory "abc" ' });
  assert.equal(parseServerArgs(['a.conf', '--save', '--port', '1']).options, 'save ""\nport "1" ');
  assert.equal(parseServerArgs(['--save']).options, 'save ""');
  assert.equal(parseServerArgs(['--save', '', '--hz', '5']).options, 'save "" \nhz "5" ');
  assert.equal(parseServerArgs(['--port 6380']).options, 'port 6380 ');
  assert.equal(parseServerArgs(['--replicaof', '127.0.0.1', '8888']).options, 'replicaof "127.0.0.1" "8888" ');
  assert.ok(parseServerArgs(['-']).fromStdin);
  assert.ok(parseServerArgs(['a.conf', '--hz', '5', '-']).fromStdin);

  const file = path.join(tmp, 'ok.conf');
  fs.writeFileSync(file, 'hz 5\nmaxmemory 1mb\n');
  const config = new Config();
  loadServerConfig(config, parseServerArgs([file, '--maxmemory', '2mb', '--save', '', '--notify-keyspace-events', 'KEA']));
  assert.is(config.filePath, path.resolve(file));
  assert.is(config.int('hz'), 5);
  assert.is(config.int('maxmemory'), 2 * 1024 * 1024, 'options override the file');
  assert.is(config.text('save'), '');
  assert.is(config.text('notify-keyspace-events'), 'AKE');

  const error = (() => {
    try {
      loadServerConfig(new Config(), parseServerArgs([file, '--port', '7141', '--hz', 'abc']));
    } catch (e) {
      return e as ConfigFileError;
    }
    throw new Error('expected an error');
  })();
  assert.is(error.line, 5);
  assert.is(error.lineText, 'hz "abc"');
  const noFile = (() => {
    try {
      loadServerConfig(new Config(), parseServerArgs(['--port', '7141', 'foo']));
    } catch (e) {
      return e as ConfigFileError;
    }
    throw new Error('expected an error');
  })();
  assert.is(noFile.line, 2);
  assert.is(noFile.lineText, 'port "7141" "foo"');
  assert.is(noFile.reason, 'wrong number of arguments');

  const stdin = new Config();
  loadServerConfig(stdin, parseServerArgs(['-', '--hz', '9']), () => 'maxmemory 3mb\nhz 1\n');
  assert.is(stdin.int('maxmemory'), 3 * 1024 * 1024);
  assert.is(stdin.int('hz'), 9);
});

// ---- CONFIG REWRITE ---------------------------------------------------------------

test('rewrite keeps comments and unknown lines, updates in place, appends, drops orphans', () => {
  const original = [
    '# top comment',
    'port 7141',
    'include /tmp/inc.conf',
    'rename-command FLUSHALL ""',
    'slave-read-only yes',
    'hash-max-ziplist-entries 100',
    'save 100 1',
    'save 200 2',
    'maxmemory 1mb',
    'requirepass "a b"',
    '',
    '',
    'logfile ""',
    '# end',
    'foo-unknown-line 5',
    'maxmemory "unbalanced',
    '',
  ].join('\n');
  const config = new Config();
  loadConfigText(config, original.split('\n').filter((l) => !l.startsWith('foo') && !l.includes('unbalanced') && !l.startsWith('include')).join('\n'));
  config.setMany([
    ['maxmemory', '2gb'],
    ['save', '300 3'],
    ['maxmemory-policy', 'allkeys-lru'],
    ['notify-keyspace-events', 'KEA'],
    ['client-output-buffer-limit', 'pubsub 1mb 2kb 3'],
    ['hash-max-listpack-entries', '128'],
  ]);
  const out = rewriteConfigText(config, original);
  const expected = [
    '# top comment',
    'port 7141',
    'include /tmp/inc.conf',
    'rename-command FLUSHALL ""',
    'replica-read-only yes',
    'hash-max-listpack-entries 128',
    'save 300 3',
    '',
    'maxmemory 2gb',
    'requirepass "a b"',
    '',
    'logfile ""',
    '# end',
    '# ??? foo-unknown-line 5',
    '# ??? maxmemory "unbalanced',
    '',
    '# Generated by CONFIG REWRITE',
  ];
  const lines = out.split('\n');
  assert.equal(lines.slice(0, expected.length), expected);
  const appended = lines.slice(expected.length).filter(Boolean);
  assert.equal(new Set(appended), new Set([
    'maxmemory-policy allkeys-lru',
    `dir ${quoteArg(process.cwd())}`,
    'client-output-buffer-limit pubsub 1mb 2kb 3',
    'notify-keyspace-events "AKE"',
    'latency-tracking-info-percentiles 50 99 99.9',
  ]));
  // Loading the rewritten file gives back every value.
  const reloaded = new Config();
  loadConfigText(reloaded, out.split('\n').filter((l) => !l.startsWith('include')).join('\n'));
  for (const name of ['maxmemory', 'save', 'maxmemory-policy', 'notify-keyspace-events', 'client-output-buffer-limit', 'hash-max-listpack-entries', 'requirepass']) {
    assert.is(reloaded.text(name), config.text(name), name);
  }
  // A second rewrite still holds every value (Redis reuses the first client-output-buffer-limit line for 'normal').
  const again = new Config();
  loadConfigText(again, rewriteConfigText(config, out).split('\n').filter((l) => !l.startsWith('include')).join('\n'));
  assert.is(again.text('client-output-buffer-limit'), config.text('client-output-buffer-limit'));
});

test('rewrite of defaults: lines back to default are kept in place, save "" when no rules, bind/replicaof removed', () => {
  const config = new Config();
  const old = 'bind 0.0.0.0\nmaxmemory 5mb\nreplicaof 10.0.0.1 6379\n';
  config.set('save', '');
  const out = rewriteConfigText(config, old);
  assert.ok(out.startsWith('\nmaxmemory 0\n') || out.startsWith('maxmemory 0\n'), out);
  assert.not.ok(out.includes('bind'));
  assert.not.ok(out.includes('replicaof'));
  assert.ok(out.includes('save ""\n'));
});

test.after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test.run();

// Every parameter CONFIG GET * lists on a default redis-server 7.0.15 (started
// with no config file; port and dir adjusted), captured once from the real server.
export const REDIS_DEFAULTS: ReadonlyArray<readonly [string, string]> = [
  ["acl-pubsub-default", "resetchannels"],
  ["aclfile", ""],
  ["acllog-max-len", "128"],
  ["active-defrag-cycle-max", "25"],
  ["active-defrag-cycle-min", "1"],
  ["active-defrag-ignore-bytes", "104857600"],
  ["active-defrag-max-scan-fields", "1000"],
  ["active-defrag-threshold-lower", "10"],
  ["active-defrag-threshold-upper", "100"],
  ["active-expire-effort", "1"],
  ["activedefrag", "no"],
  ["activerehashing", "yes"],
  ["always-show-logo", "no"],
  ["aof-disable-auto-gc", "no"],
  ["aof-load-truncated", "yes"],
  ["aof-rewrite-incremental-fsync", "yes"],
  ["aof-timestamp-enabled", "no"],
  ["aof-use-rdb-preamble", "yes"],
  ["aof_rewrite_cpulist", ""],
  ["appenddirname", "appendonlydir"],
  ["appendfilename", "appendonly.aof"],
  ["appendfsync", "everysec"],
  ["appendonly", "no"],
  ["auto-aof-rewrite-min-size", "67108864"],
  ["auto-aof-rewrite-percentage", "100"],
  ["bgsave_cpulist", ""],
  ["bind-source-addr", ""],
  ["bind", "* -::*"],
  ["bio_cpulist", ""],
  ["busy-reply-threshold", "5000"],
  ["client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"],
  ["client-query-buffer-limit", "1073741824"],
  ["cluster-allow-pubsubshard-when-down", "yes"],
  ["cluster-allow-reads-when-down", "no"],
  ["cluster-allow-replica-migration", "yes"],
  ["cluster-announce-bus-port", "0"],
  ["cluster-announce-hostname", ""],
  ["cluster-announce-ip", ""],
  ["cluster-announce-port", "0"],
  ["cluster-announce-tls-port", "0"],
  ["cluster-config-file", "nodes.conf"],
  ["cluster-enabled", "no"],
  ["cluster-link-sendbuf-limit", "0"],
  ["cluster-migration-barrier", "1"],
  ["cluster-node-timeout", "15000"],
  ["cluster-port", "0"],
  ["cluster-preferred-endpoint-type", "ip"],
  ["cluster-replica-no-failover", "no"],
  ["cluster-replica-validity-factor", "10"],
  ["cluster-require-full-coverage", "yes"],
  ["cluster-slave-no-failover", "no"],
  ["cluster-slave-validity-factor", "10"],
  ["crash-log-enabled", "yes"],
  ["crash-memcheck-enabled", "yes"],
  ["daemonize", "no"],
  ["databases", "16"],
  ["dbfilename", "dump.rdb"],
  ["dir", "<cwd>"],
  ["disable-thp", "yes"],
  ["dynamic-hz", "yes"],
  ["enable-debug-command", "no"],
  ["enable-module-command", "no"],
  ["enable-protected-configs", "no"],
  ["hash-max-listpack-entries", "512"],
  ["hash-max-listpack-value", "64"],
  ["hash-max-ziplist-entries", "512"],
  ["hash-max-ziplist-value", "64"],
  ["hll-sparse-max-bytes", "3000"],
  ["hz", "10"],
  ["ignore-warnings", ""],
  ["io-threads-do-reads", "no"],
  ["io-threads", "1"],
  ["jemalloc-bg-thread", "yes"],
  ["latency-monitor-threshold", "0"],
  ["latency-tracking-info-percentiles", "50 99 99.9"],
  ["latency-tracking", "yes"],
  ["lazyfree-lazy-eviction", "no"],
  ["lazyfree-lazy-expire", "no"],
  ["lazyfree-lazy-server-del", "no"],
  ["lazyfree-lazy-user-del", "no"],
  ["lazyfree-lazy-user-flush", "no"],
  ["lfu-decay-time", "1"],
  ["lfu-log-factor", "10"],
  ["list-compress-depth", "0"],
  ["list-max-listpack-size", "-2"],
  ["list-max-ziplist-size", "-2"],
  ["logfile", ""],
  ["loglevel", "notice"],
  ["lua-time-limit", "5000"],
  ["masterauth", ""],
  ["masteruser", ""],
  ["maxclients", "10000"],
  ["maxmemory-clients", "0"],
  ["maxmemory-eviction-tenacity", "10"],
  ["maxmemory-policy", "noeviction"],
  ["maxmemory-samples", "5"],
  ["maxmemory", "0"],
  ["min-replicas-max-lag", "10"],
  ["min-replicas-to-write", "0"],
  ["min-slaves-max-lag", "10"],
  ["min-slaves-to-write", "0"],
  ["no-appendfsync-on-rewrite", "no"],
  ["notify-keyspace-events", ""],
  ["oom-score-adj-values", "0 200 800"],
  ["oom-score-adj", "no"],
  ["pidfile", ""],
  ["port", "6379"],
  ["proc-title-template", "{title} {listen-addr} {server-mode}"],
  ["propagation-error-behavior", "ignore"],
  ["protected-mode", "yes"],
  ["proto-max-bulk-len", "536870912"],
  ["rdb-del-sync-files", "no"],
  ["rdb-save-incremental-fsync", "yes"],
  ["rdbchecksum", "yes"],
  ["rdbcompression", "yes"],
  ["repl-backlog-size", "1048576"],
  ["repl-backlog-ttl", "3600"],
  ["repl-disable-tcp-nodelay", "no"],
  ["repl-diskless-load", "disabled"],
  ["repl-diskless-sync-delay", "5"],
  ["repl-diskless-sync-max-replicas", "0"],
  ["repl-diskless-sync", "yes"],
  ["repl-ping-replica-period", "10"],
  ["repl-ping-slave-period", "10"],
  ["repl-timeout", "60"],
  ["replica-announce-ip", ""],
  ["replica-announce-port", "0"],
  ["replica-announced", "yes"],
  ["replica-ignore-disk-write-errors", "no"],
  ["replica-ignore-maxmemory", "yes"],
  ["replica-lazy-flush", "no"],
  ["replica-priority", "100"],
  ["replica-read-only", "yes"],
  ["replica-serve-stale-data", "yes"],
  ["replicaof", ""],
  ["requirepass", ""],
  ["sanitize-dump-payload", "no"],
  ["save", "3600 1 300 100 60 10000"],
  ["server_cpulist", ""],
  ["set-max-intset-entries", "512"],
  ["set-proc-title", "yes"],
  ["shutdown-on-sigint", "default"],
  ["shutdown-on-sigterm", "default"],
  ["shutdown-timeout", "10"],
  ["slave-announce-ip", ""],
  ["slave-announce-port", "0"],
  ["slave-ignore-maxmemory", "yes"],
  ["slave-lazy-flush", "no"],
  ["slave-priority", "100"],
  ["slave-read-only", "yes"],
  ["slave-serve-stale-data", "yes"],
  ["slaveof", ""],
  ["slowlog-log-slower-than", "10000"],
  ["slowlog-max-len", "128"],
  ["socket-mark-id", "0"],
  ["stop-writes-on-bgsave-error", "yes"],
  ["stream-node-max-bytes", "4096"],
  ["stream-node-max-entries", "100"],
  ["supervised", "no"],
  ["syslog-enabled", "no"],
  ["syslog-facility", "local0"],
  ["syslog-ident", "redis"],
  ["tcp-backlog", "511"],
  ["tcp-keepalive", "300"],
  ["timeout", "0"],
  ["tls-auth-clients", "yes"],
  ["tls-ca-cert-dir", ""],
  ["tls-ca-cert-file", ""],
  ["tls-cert-file", ""],
  ["tls-ciphers", ""],
  ["tls-ciphersuites", ""],
  ["tls-client-cert-file", ""],
  ["tls-client-key-file-pass", ""],
  ["tls-client-key-file", ""],
  ["tls-cluster", "no"],
  ["tls-dh-params-file", ""],
  ["tls-key-file-pass", ""],
  ["tls-key-file", ""],
  ["tls-port", "0"],
  ["tls-prefer-server-ciphers", "no"],
  ["tls-protocols", ""],
  ["tls-replication", "no"],
  ["tls-session-cache-size", "20480"],
  ["tls-session-cache-timeout", "300"],
  ["tls-session-caching", "yes"],
  ["tracking-table-max-keys", "1000000"],
  ["unixsocket", ""],
  ["unixsocketperm", "0"],
  ["zset-max-listpack-entries", "128"],
  ["zset-max-listpack-value", "64"],
  ["zset-max-ziplist-entries", "128"],
  ["zset-max-ziplist-value", "64"],
];
