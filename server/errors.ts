// Redis's error texts, in one place. Handlers throw ReplyError; the dispatcher
// turns it into a `-...` reply. Clients branch on these exact strings.

export class ReplyError extends Error {
  /** Full error line without the leading '-', e.g. "ERR syntax error". */
  constructor(readonly text: string) {
    super(text);
  }
}

export const Errors = {
  syntax: 'ERR syntax error',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  noSuchKey: 'ERR no such key',
  outOfRange: 'ERR index out of range',
  dbIndex: 'ERR DB index is out of range',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  maxClients: 'ERR max number of clients reached',
  arity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  unknownSubcommand: (sub: string, container: string) =>
    `ERR unknown subcommand '${truncate(sub)}'. Try ${container.toUpperCase()} HELP.`,
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
} as const;

function truncate(s: string): string {
  return s.length > 128 ? s.slice(0, 128) : s;
}

export function unknownCommandError(name: string, argv: readonly Buffer[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${argv[i].toString('latin1').slice(0, 128 - args.length)}' `;
  }
  return sanitize(`ERR unknown command '${truncate(name)}', with args beginning with: ${args}`);
}

/** Error lines cannot carry CR/LF; Redis replaces them with spaces. */
export function sanitize(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/[\r\n]/g, ' ') : s;
}
