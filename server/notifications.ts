// Keyspace notifications, as Redis's notify.c: every write reports
// (class, event, key, db) through server.keyChanged; when the class is enabled
// in notify-keyspace-events, the event is published on
//   __keyspace@<db>__:<key>   (message: the event)   when 'K' is set, then on
//   __keyevent@<db>__:<event> (message: the key)     when 'E' is set.
// Class letters: g generic, $ string, l list, s set, h hash, z zset,
// x expired, e evicted, t stream, m key miss, d module, n new key; A is g$lshzxetd.
//
// Publishing needs subscribers, so the emitter is installed with the pub/sub
// registry (on the first subscription); until then nothing is listening and
// server.keyChanged skips the notification path entirely.

import type { Server } from './server.js';
import { pubsubOf } from './pubsub.js';

const ALL_CLASSES = 'g$lshzxetd';

/** The enabled classes and the K/E targets of a notify-keyspace-events value. */
export interface NotifyFlags {
  classes: Set<string>;
  keyspace: boolean;
  keyevent: boolean;
}

export function parseNotifyFlags(text: string): NotifyFlags {
  const classes = new Set<string>();
  let keyspace = false;
  let keyevent = false;
  for (const c of text) {
    if (c === 'A') for (const a of ALL_CLASSES) classes.add(a);
    else if (c === 'K') keyspace = true;
    else if (c === 'E') keyevent = true;
    else classes.add(c);
  }
  return { classes, keyspace, keyevent };
}

/** Whether an event of this class would be published now (for callers that must build something costly first). */
export function notificationsEnabled(server: Server, eventClass: string): boolean {
  const flags = installed.get(server);
  return flags !== undefined && flags.classes.has(eventClass) && (flags.keyspace || flags.keyevent);
}

const installed = new WeakMap<Server, NotifyFlags>();

/** Hooks the emitter into the server once; called when the pub/sub registry is created. */
export function installNotifications(server: Server): void {
  if (installed.has(server)) return;
  const apply = (value: unknown) => {
    const flags = parseNotifyFlags(String(value));
    installed.set(server, flags);
  };
  apply(server.config.get('notify-keyspace-events'));
  server.config.onChange('notify-keyspace-events', apply);
  server.keyspaceEventListeners.push((eventClass, event, key, dbId) => {
    const flags = installed.get(server)!;
    if (!flags.classes.has(eventClass)) return;
    const pubsub = pubsubOf(server);
    if (flags.keyspace) pubsub.publish(`__keyspace@${dbId}__:${key}`, event);
    if (flags.keyevent) pubsub.publish(`__keyevent@${dbId}__:${event}`, key);
  });
}
