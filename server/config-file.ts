// redis.conf: reading it (one directive per line, quoted arguments, include,
// repeated `save` lines) into a Config, the fatal error Redis prints for a bad
// line, and CONFIG REWRITE, which writes the running values back into the
// file while keeping its comments, its order and the lines it does not own.
//
// Files are read as latin1 so every byte of a value (a password with \xff in
// it) survives, as everywhere else in the server.

import fs from 'node:fs';
import path from 'node:path';
import { Config, ConfigError, DEPRECATED_DIRECTIVES, directiveTable, globMatch, strerror, type DirectiveDef } from './config.js';
import { REDIS_VERSION } from './commands/connection.js';

/** A configuration that cannot be loaded: `render()` is what redis-server prints before exiting. */
export class ConfigFileError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based line number in the text being read, when the error is about one line. */
    readonly line: number | null = null,
    readonly lineText: string | null = null,
    /** True for errors Redis logs as a log line ("Fatal error, can't open config file ...") instead of the FATAL banner. */
    readonly logLine = false,
  ) {
    super(reason);
  }

  render(): string {
    if (this.logLine) return `${this.reason}\n`;
    let out = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`;
    if (this.line !== null) {
      out += `Reading the configuration file, at line ${this.line}\n`;
      out += `>>> '${this.lineText}'\n`;
    }
    return `${out}${this.reason}\n`;
  }
}

// ---- argument splitting and quoting ---------------------------------------------

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f' || c === '\0';
}

function hexValue(c: string): number {
  const n = parseInt(c, 16);
  return Number.isNaN(n) ? -1 : n;
}

/**
 * Redis's sdssplitargs: words separated by spaces; "..." with \n \r \t \b \a
 * \\ \" and \xHH escapes; '...' with \' only. A closing quote must be followed
 * by a space or the end. Returns null for unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let current = '';
    let inq = false;
    let insq = false;
    for (;;) {
      if (inq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === 'x' && i + 3 < n && hexValue(line[i + 2]) >= 0 && hexValue(line[i + 3]) >= 0) {
          current += String.fromCharCode(hexValue(line[i + 2]) * 16 + hexValue(line[i + 3]));
          i += 4;
        } else if (c === '\\' && i + 1 < n) {
          const e = line[i + 1];
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
          i += 2;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          i++;
          break;
        } else {
          current += c;
          i++;
        }
      } else if (insq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === "'") {
          current += "'";
          i += 2;
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          i++;
          break;
        } else {
          current += c;
          i++;
        }
      } else {
        if (i >= n) break;
        const c = line[i];
        i++;
        if (isSpace(c)) break;
        if (c === '"') inq = true;
        else if (c === "'") insq = true;
        else current += c;
      }
    }
    out.push(current);
  }
}

/** Redis's sdscatrepr: a double-quoted string with C escapes, as CONFIG REWRITE and the CLI options write values. */
export function quoteArg(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (c === '\\' || c === '"') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\x07') out += '\\a';
    else if (c === '\b') out += '\\b';
    else if (code >= 32 && code < 127) out += c;
    else out += `\\x${(code & 0xff).toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

function trimLine(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

// ---- loading ---------------------------------------------------------------------

interface LoadState {
  /** The first `save` line of a load replaces the defaults; later ones add to it. */
  saveLoaded: boolean;
}

/**
 * Applies the text of a config (a file's content, maybe followed by the
 * command-line options) line by line. Throws ConfigFileError naming the line.
 */
export function loadConfigText(config: Config, text: string, state: LoadState = { saveLoaded: false }, top = true): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = trimLine(lines[i]);
    if (line === '' || line[0] === '#') continue;
    const fail = (reason: string) => new ConfigFileError(reason, i + 1, line);
    const argv = splitArgs(line);
    if (argv === null) throw fail('Unbalanced quotes in configuration line');
    if (argv.length === 0) continue;
    const name = argv[0].toLowerCase();
    const def = config.definition(name);
    if (def) {
      if (!def.multiArg && argv.length !== 2) throw fail('wrong number of arguments');
      let args = argv.slice(1);
      if (def.name === 'save') {
        const reset = args.length === 0 || (args.length === 1 && args[0] === '');
        if (!reset && state.saveLoaded) {
          const current = config.text('save');
          args = (current === '' ? [] : current.split(' ')).concat(args);
        }
        state.saveLoaded = true;
      }
      try {
        config.setArgs(def, args);
      } catch (error) {
        if (error instanceof ConfigError) throw fail(error.message);
        throw error;
      }
      continue;
    }
    if (DEPRECATED_DIRECTIVES.has(name) && argv.length === 2) continue;
    if (name === 'include' && argv.length === 2) {
      includeFiles(config, argv[1], state);
    } else if (name === 'rename-command' && argv.length === 3) {
      config.renamedCommands.push([argv[1], argv[2]]);
    } else if (name === 'user' && argv.length >= 2) {
      config.users.push(argv.slice(1));
    } else if (name === 'loadmodule' && argv.length >= 2) {
      throw fail('Modules are not supported by embedis (loadmodule)');
    } else if (name.includes('.')) {
      if (argv.length !== 2) throw fail('Module config specified without value');
      throw fail('Modules are not supported by embedis (module configuration)');
    } else if (name === 'sentinel') {
      if (argv.length !== 1) throw fail('sentinel directive while not in sentinel mode');
    } else {
      throw fail('Bad directive or wrong number of arguments');
    }
  }
  if (!top) return;
  const logfile = config.string('logfile');
  if (logfile !== '') {
    try {
      fs.closeSync(fs.openSync(logfile, 'a'));
    } catch (error) {
      throw new ConfigFileError(`Can't open the log file: ${strerror(error)}`);
    }
  }
  if (config.bool('cluster-enabled') && config.string('replicaof') !== '') {
    throw new ConfigFileError('replicaof directive not allowed in cluster mode');
  }
}

/** `include path`: relative to the current directory, as Redis; a pattern with * ? [ includes every match (none is fine). */
function includeFiles(config: Config, file: string, state: LoadState): void {
  if (/[*?[]/.test(file)) {
    const dir = path.dirname(file);
    const pattern = path.basename(file);
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir).filter((n) => globMatch(pattern, n)).sort();
    } catch {
      return;
    }
    for (const n of names) loadConfigText(config, readConfig(path.join(dir, n)), state, false);
    return;
  }
  loadConfigText(config, readConfig(file), state, false);
}

function readConfig(file: string): string {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch (error) {
    throw new ConfigFileError(`Fatal error, can't open config file '${file}': ${strerror(error)}`, null, null, true);
  }
}

export interface ServerArgs {
  /** The redis.conf named first on the command line, if any. */
  configFile: string | null;
  /** `-`: read more configuration from stdin. */
  fromStdin: boolean;
  /** The --directive value options, as the lines redis-server appends to the file's content. */
  options: string;
}

/**
 * redis-server's command line: `[config file] [--name value ...] [-]`. Every
 * `--name` starts a line, the words after it are its quoted arguments; a
 * `--save` with nothing after it means `save ""`.
 */
export function parseServerArgs(argv: readonly string[]): ServerArgs {
  let j = 0;
  let configFile: string | null = null;
  let fromStdin = false;
  if (argv.length > 0 && argv[0][0] !== '-') {
    configFile = argv[0];
    j = 1;
  }
  let options = '';
  // False right after a bare `--name`: the next word is its value even if it starts with "--".
  let handledLast = true;
  for (; j < argv.length; j++) {
    const arg = argv[j];
    if (arg === '-' && (j === 0 || j === argv.length - 1)) {
      fromStdin = true;
    } else if (handledLast && arg.startsWith('--')) {
      if (options.length) options += '\n';
      options += `${arg.slice(2)} `;
      const words = splitArgs(arg);
      if (words !== null && words.length === 1) {
        handledLast = false;
        const next = argv[j + 1];
        if (arg.toLowerCase() === '--save' && (next === undefined || next.startsWith('--'))) {
          // `--save` alone, or followed by another option: `save ""`.
          options += '""';
          handledLast = true;
        }
      } else {
        handledLast = true;
      }
    } else {
      options += `${quoteArg(arg)} `;
      handledLast = true;
    }
  }
  return { configFile, fromStdin, options };
}

/**
 * Loads a server's configuration as redis-server does: the file, then stdin,
 * then the command-line options, all read as one text (line numbers in
 * errors count across them). Sets config.filePath to the file's absolute path.
 */
export function loadServerConfig(config: Config, args: ServerArgs, readStdin: () => string = () => fs.readFileSync(0, 'latin1')): void {
  let text = '';
  if (args.configFile !== null) {
    config.filePath = path.resolve(args.configFile);
    text += readConfig(args.configFile);
  }
  if (args.fromStdin) text += readStdin();
  if (args.options) text += `\n${args.options}`;
  loadConfigText(config, text);
}

// ---- CONFIG REWRITE ---------------------------------------------------------------

const SIGNATURE = '# Generated by CONFIG REWRITE';
/** Directives that are not parameters but belong in a config file: left as they are. */
const KEPT_DIRECTIVES = new Set(['include', 'rename-command', 'user', 'loadmodule', 'sentinel']);

interface RewriteLine {
  line: string;
  force: boolean;
}

function formatMemory(bytes: bigint): string {
  const gb = 1024n * 1024n * 1024n;
  const mb = 1024n * 1024n;
  const kb = 1024n;
  if (bytes !== 0n && bytes % gb === 0n) return `${bytes / gb}gb`;
  if (bytes !== 0n && bytes % mb === 0n) return `${bytes / mb}mb`;
  if (bytes !== 0n && bytes % kb === 0n) return `${bytes / kb}kb`;
  return bytes.toString();
}

/** The lines a directive's current value writes (none: its old lines are dropped). */
function rewriteLines(config: Config, def: DirectiveDef): RewriteLine[] {
  const name = def.name;
  const text = config.text(name);
  const changed = text !== def.default;
  switch (def.type) {
    case 'bool':
    case 'enum':
    case 'flags':
    case 'int':
    case 'octal':
      return [{ line: `${name} ${text}`, force: changed }];
    case 'memory':
      return [{ line: `${name} ${formatMemory(BigInt(text))}`, force: changed }];
    case 'percent':
      return [{ line: `${name} ${text.endsWith('%') ? text : formatMemory(BigInt(text))}`, force: changed }];
    case 'string':
      if (def.nullable && text === '') return [];
      return [{ line: `${name} ${quoteArg(text)}`, force: changed }];
    default:
      break;
  }
  switch (name) {
    case 'dir':
      return [{ line: `dir ${quoteArg(process.cwd())}`, force: true }];
    case 'save': {
      if (text === '') return [{ line: 'save ""', force: true }];
      const p = text.split(' ');
      const out: RewriteLine[] = [];
      for (let i = 0; i + 1 < p.length; i += 2) out.push({ line: `save ${p[i]} ${p[i + 1]}`, force: true });
      return out;
    }
    case 'client-output-buffer-limit': {
      const p = text.split(' ');
      const d = def.default.split(' ');
      const out: RewriteLine[] = [];
      for (let c = 0; c < 3; c++) {
        const at = c * 4;
        const cls = p[at] === 'slave' ? 'replica' : p[at];
        const force = p.slice(at + 1, at + 4).join(' ') !== d.slice(at + 1, at + 4).join(' ');
        out.push({ line: `${name} ${cls} ${formatMemory(BigInt(p[at + 1]))} ${formatMemory(BigInt(p[at + 2]))} ${p[at + 3]}`, force });
      }
      return out;
    }
    case 'notify-keyspace-events':
      return [{ line: `${name} ${quoteArg(text)}`, force: text !== '' }];
    case 'bind':
      if (!changed) return [];
      return [{ line: `bind ${text === '' ? '""' : text}`, force: true }];
    case 'replicaof':
      if (text === '') return [];
      return [{ line: `${name} ${text}`, force: true }];
    case 'latency-tracking-info-percentiles':
      return [{ line: `${name} ${text === '' ? '""' : text}`, force: true }];
    default:
      return [{ line: `${name} ${text}`, force: changed }];
  }
}

/** The new content of a config file: `old` rewritten with the values of `config`. */
export function rewriteConfigText(config: Config, old: string): string {
  const lines: string[] = [];
  const optionLines = new Map<string, number[]>();
  let needsSignature = true;
  if (old.length > 0) {
    const raw = old.split('\n');
    for (const rawLine of raw) {
      const line = trimLine(rawLine);
      if (line === '' || line[0] === '#') {
        if (needsSignature && line === SIGNATURE) needsSignature = false;
        lines.push(line);
        continue;
      }
      const argv = splitArgs(line);
      const lowered = argv && argv.length > 0 ? argv[0].toLowerCase() : '';
      const def = argv && argv.length > 0 ? config.definition(lowered) : undefined;
      if (!argv || argv.length === 0 || (!def && !KEPT_DIRECTIVES.has(lowered))) {
        lines.push(`# ??? ${line}`);
        continue;
      }
      lines.push(line);
      const option = def ? def.name : lowered;
      const list = optionLines.get(option) ?? [];
      list.push(lines.length - 1);
      optionLines.set(option, list);
    }
  }

  const rewritten = new Set<string>();
  for (const def of directiveTable()) {
    rewritten.add(def.name);
    for (const { line, force } of rewriteLines(config, def)) {
      const list = optionLines.get(def.name);
      if (list && list.length > 0) {
        lines[list.shift()!] = line;
      } else if (force) {
        if (needsSignature) {
          lines.push(SIGNATURE);
          needsSignature = false;
        }
        lines.push(line);
      }
    }
  }
  // Lines of rewritten options that no value reused (a second `save`, a default back in place) are blanked.
  for (const [option, list] of optionLines) {
    if (!rewritten.has(option)) continue;
    for (const n of list) lines[n] = '';
  }

  let content = '';
  let wasEmpty = false;
  for (const line of lines) {
    if (line === '') {
      if (wasEmpty) continue;
      wasEmpty = true;
    } else {
      wasEmpty = false;
    }
    content += `${line}\n`;
  }
  return content;
}

/** CONFIG REWRITE: rewrites `file` in place, atomically (a temporary file renamed over it). Throws the fs error. */
export function rewriteConfigFile(config: Config, file: string): void {
  let old = '';
  try {
    old = fs.readFileSync(file, 'latin1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const content = rewriteConfigText(config, old);
  const tmp = `${file}.${Math.random().toString(36).slice(2, 8)}`;
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    fs.writeSync(fd, Buffer.from(content, 'latin1'));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (error) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing to remove
    }
    throw error;
  }
}
