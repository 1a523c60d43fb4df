// Pub/sub commands (the "pubsub" group): SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and
// their UNSUBSCRIBEs, PUBLISH, SPUBLISH, and the PUBSUB introspection
// container. The registries and delivery live in server/pubsub.ts.

import { str } from '../bytes.js';
import { ReplyError } from '../errors.js';
import { pubsubIfAny, pubsubOf, type SubscriptionKind } from '../pubsub.js';
import { keysAt, type CommandDef, type Handler } from './types.js';

function subscribeHandler(kind: SubscriptionKind): Handler {
  return (client, argv) => {
    const pubsub = pubsubOf(client.server);
    for (let i = 1; i < argv.length; i++) pubsub.subscribe(client, kind, str(argv[i]));
  };
}

function unsubscribeHandler(kind: SubscriptionKind): Handler {
  return (client, argv) => {
    const pubsub = pubsubOf(client.server);
    if (argv.length === 1) pubsub.unsubscribeAll(client, kind);
    else for (let i = 1; i < argv.length; i++) pubsub.unsubscribe(client, kind, str(argv[i]), true);
  };
}

function subscriptionCommand(name: string, arity: number, summary: string, since: string, complexity: string, handler: Handler, shard: boolean): CommandDef {
  return {
    name,
    arity,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    keys: shard ? keysAt(1, -1, 1) : null,
    categories: ['pubsub', 'slow'],
    summary,
    since,
    group: 'pubsub',
    complexity,
    handler,
  };
}

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

function pubsubSub(name: string, arity: number, summary: string, since: string, complexity: string, handler: Handler): CommandDef {
  return {
    name,
    arity,
    flags: name === 'help' ? ['loading', 'stale'] : ['pubsub', 'loading', 'stale'],
    keys: null,
    categories: name === 'help' ? ['slow'] : ['pubsub', 'slow'],
    summary,
    since,
    group: 'pubsub',
    complexity,
    handler,
  };
}

function wrongArgs(argv: Buffer[]): ReplyError {
  return new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${str(argv[1])}'. Try PUBSUB HELP.`);
}

function channelsHandler(shard: boolean): Handler {
  return (client, argv) => {
    if (argv.length > 3) throw wrongArgs(argv);
    const pattern = argv.length === 3 ? str(argv[2]) : null;
    const names = pubsubIfAny(client.server)?.activeChannels(shard, pattern) ?? [];
    client.reply.bulkArray(names);
  };
}

function numsubHandler(shard: boolean): Handler {
  return (client, argv) => {
    const pubsub = pubsubIfAny(client.server);
    const reply = client.reply;
    reply.array((argv.length - 2) * 2);
    for (let i = 2; i < argv.length; i++) {
      const channel = str(argv[i]);
      reply.bulk(channel);
      reply.integer(pubsub?.numSub(shard, channel) ?? 0);
    }
  };
}

const pubsubSubcommands: CommandDef[] = [
  pubsubSub(
    'channels',
    -2,
    'List active channels',
    '2.8.0',
    'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
    channelsHandler(false),
  ),
  pubsubSub(
    'numsub',
    -2,
    'Get the count of subscribers for channels',
    '2.8.0',
    'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
    numsubHandler(false),
  ),
  pubsubSub('numpat', 2, 'Get the count of unique patterns pattern subscriptions', '2.8.0', 'O(1)', (client) => {
    client.reply.integer(pubsubIfAny(client.server)?.patterns.size ?? 0);
  }),
  pubsubSub(
    'shardchannels',
    -2,
    'List active shard channels',
    '7.0.0',
    'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
    channelsHandler(true),
  ),
  pubsubSub(
    'shardnumsub',
    -2,
    'Get the count of subscribers for shard channels',
    '7.0.0',
    'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
    numsubHandler(true),
  ),
  pubsubSub('help', 2, 'Show helpful text about the different subcommands', '6.2.0', 'O(1)', (client) => {
    client.reply.array(PUBSUB_HELP.length);
    for (const line of PUBSUB_HELP) client.reply.simple(line);
  }),
];

export const pubsubCommands: CommandDef[] = [
  subscriptionCommand(
    'subscribe',
    -2,
    'Listen for messages published to the given channels',
    '2.0.0',
    'O(N) where N is the number of channels to subscribe to.',
    subscribeHandler('channel'),
    false,
  ),
  subscriptionCommand(
    'unsubscribe',
    -1,
    'Stop listening for messages posted to the given channels',
    '2.0.0',
    'O(N) where N is the number of clients already subscribed to a channel.',
    unsubscribeHandler('channel'),
    false,
  ),
  subscriptionCommand(
    'psubscribe',
    -2,
    'Listen for messages published to channels matching the given patterns',
    '2.0.0',
    'O(N) where N is the number of patterns the client is already subscribed to.',
    subscribeHandler('pattern'),
    false,
  ),
  subscriptionCommand(
    'punsubscribe',
    -1,
    'Stop listening for messages posted to channels matching the given patterns',
    '2.0.0',
    'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
    unsubscribeHandler('pattern'),
    false,
  ),
  subscriptionCommand(
    'ssubscribe',
    -2,
    'Listen for messages published to the given shard channels',
    '7.0.0',
    'O(N) where N is the number of shard channels to subscribe to.',
    subscribeHandler('shard'),
    true,
  ),
  subscriptionCommand(
    'sunsubscribe',
    -1,
    'Stop listening for messages posted to the given shard channels',
    '7.0.0',
    'O(N) where N is the number of clients already subscribed to a shard channel.',
    unsubscribeHandler('shard'),
    true,
  ),
  {
    name: 'publish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    keys: null,
    categories: ['pubsub', 'fast'],
    summary: 'Post a message to a channel',
    since: '2.0.0',
    group: 'pubsub',
    complexity:
      'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    handler(client, argv) {
      const pubsub = pubsubIfAny(client.server);
      client.reply.integer(pubsub === undefined ? 0 : pubsub.publish(str(argv[1]), argv[2]));
    },
  },
  {
    name: 'spublish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    keys: keysAt(1, 1, 1),
    categories: ['pubsub', 'fast'],
    summary: 'Post a message to a shard channel',
    since: '7.0.0',
    group: 'pubsub',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    handler(client, argv) {
      const pubsub = pubsubIfAny(client.server);
      client.reply.integer(pubsub === undefined ? 0 : pubsub.publishShard(str(argv[1]), argv[2]));
    },
  },
  {
    name: 'pubsub',
    arity: -2,
    flags: [],
    keys: null,
    categories: ['slow'],
    summary: 'A container for Pub/Sub commands',
    since: '2.8.0',
    group: 'pubsub',
    complexity: 'Depends on subcommand.',
    subcommands: pubsubSubcommands,
  },
];
