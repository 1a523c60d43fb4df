// One table of directives, shared by the CLI, redis.conf files, CONFIG GET/SET
// and CONFIG REWRITE. Values are kept as parsed (numbers, booleans, strings)
// and printed back the way Redis prints them.

export type DirectiveType = 'bool' | 'int' | 'memory' | 'string' | 'enum' | 'special';

export interface DirectiveDef {
  name: string;
  aliases?: readonly string[];
  type: DirectiveType;
  /** Default as Redis writes it in CONFIG GET. */
  default: string;
  /** False: only at start-up (CONFIG SET answers "can't set immutable config"). */
  mutable: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
}

export type ConfigValue = string | number | boolean;

const directives: DirectiveDef[] = [
  { name: 'port', type: 'int', default: '6379', mutable: true, min: 0, max: 65535 },
  { name: 'bind', type: 'string', default: '127.0.0.1 -::1', mutable: true },
  { name: 'protected-mode', type: 'bool', default: 'yes', mutable: true },
  { name: 'requirepass', type: 'string', default: '', mutable: true },
  { name: 'databases', type: 'int', default: '16', mutable: false, min: 1, max: 2147483647 },
  { name: 'maxclients', type: 'int', default: '10000', mutable: true, min: 1, max: 2147483647 },
  { name: 'proto-max-bulk-len', type: 'memory', default: '536870912', mutable: true, min: 1024 * 1024 },
  { name: 'client-query-buffer-limit', type: 'memory', default: '1073741824', mutable: true, min: 1024 * 1024 },
  { name: 'hz', type: 'int', default: '10', mutable: true, min: 0, max: 2147483647 },
  { name: 'timeout', type: 'int', default: '0', mutable: true, min: 0, max: 2147483647 },
  { name: 'slowlog-log-slower-than', type: 'int', default: '10000', mutable: true, min: -1 },
  { name: 'slowlog-max-len', type: 'int', default: '128', mutable: true, min: 0 },
  { name: 'loglevel', type: 'enum', default: 'notice', mutable: true, values: ['debug', 'verbose', 'notice', 'warning', 'nothing'] },
  { name: 'logfile', type: 'string', default: '', mutable: false },
  { name: 'dir', type: 'string', default: '', mutable: true },
  { name: 'dbfilename', type: 'string', default: 'dump.rdb', mutable: true },
  { name: 'maxmemory', type: 'memory', default: '0', mutable: true, min: 0 },
  {
    name: 'maxmemory-policy',
    type: 'enum',
    default: 'noeviction',
    mutable: true,
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  },
];

export class ConfigError extends Error {}

export class Config {
  private readonly values = new Map<string, ConfigValue>();
  private readonly byName = new Map<string, DirectiveDef>();
  private readonly listeners = new Map<string, Array<(value: ConfigValue) => void>>();

  constructor() {
    for (const def of directives) {
      this.byName.set(def.name, def);
      for (const alias of def.aliases ?? []) this.byName.set(alias, def);
      this.values.set(def.name, parseValue(def, def.default));
    }
  }

  definition(name: string): DirectiveDef | undefined {
    return this.byName.get(name.toLowerCase());
  }

  get(name: string): ConfigValue {
    const def = this.definition(name);
    if (!def) throw new ConfigError(`unknown directive ${name}`);
    return this.values.get(def.name)!;
  }

  int(name: string): number {
    return this.get(name) as number;
  }

  bool(name: string): boolean {
    return this.get(name) as boolean;
  }

  string(name: string): string {
    return String(this.get(name));
  }

  /** Sets from text (a conf file, the CLI, CONFIG SET); throws ConfigError naming the problem. */
  set(name: string, text: string): void {
    const def = this.definition(name);
    if (!def) throw new ConfigError(`Bad directive or wrong number of arguments`);
    const value = parseValue(def, text);
    this.values.set(def.name, value);
    for (const listener of this.listeners.get(def.name) ?? []) listener(value);
  }

  onChange(name: string, listener: (value: ConfigValue) => void): void {
    const def = this.definition(name)!;
    const list = this.listeners.get(def.name) ?? [];
    list.push(listener);
    this.listeners.set(def.name, list);
  }
}

export function parseMemory(text: string): number | null {
  const m = /^(-?\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 * 1024, g: 1e9, gb: 1024 * 1024 * 1024 };
  return n * mult[unit];
}

function parseValue(def: DirectiveDef, text: string): ConfigValue {
  switch (def.type) {
    case 'bool': {
      const t = text.toLowerCase();
      if (t === 'yes') return true;
      if (t === 'no') return false;
      throw new ConfigError('argument must be \'yes\' or \'no\'');
    }
    case 'int':
    case 'memory': {
      const n = def.type === 'memory' ? parseMemory(text) : /^-?\d+$/.test(text) ? Number(text) : null;
      if (n === null || !Number.isSafeInteger(n)) throw new ConfigError('argument couldn\'t be parsed into an integer');
      if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) {
        throw new ConfigError(`argument must be between ${def.min ?? '-inf'} and ${def.max ?? 'inf'} inclusive`);
      }
      return n;
    }
    case 'enum': {
      const t = text.toLowerCase();
      if (!def.values!.includes(t)) throw new ConfigError(`argument(s) must be one of the following: ${def.values!.join(', ')}`);
      return t;
    }
    default:
      return text;
  }
}
