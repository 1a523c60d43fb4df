import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bytesToHuman, selectSections } from '../server/info.js';

const human = suite('bytesToHuman');

// Every pair was read from a real Redis 7.0.15: CONFIG SET maxmemory <n>, then INFO memory's maxmemory_human.
const verified: Array<[number, string]> = [
  [0, '0B'],
  [1, '1B'],
  [1023, '1023B'],
  [1024, '1.00K'],
  [1034, '1.01K'],
  [1126, '1.10K'],
  [1152, '1.12K'], // 1.125 exactly: printf rounds the tie to even
  [1168, '1.14K'],
  [1184, '1.16K'],
  [1200, '1.17K'],
  [1408, '1.38K'], // 1.375 exactly: tie to even rounds up
  [967680, '945.00K'],
  [1048575, '1024.00K'],
  [1048576, '1.00M'],
  [1179648, '1.12M'],
  [1385624, '1.32M'],
  [2856632, '2.72M'],
  [1181116006, '1.10G'],
  [3221225472, '3.00G'],
  [5905580032, '5.50G'],
  [25276502016, '23.54G'],
  [1099511627776, '1.00T'],
  [1125899906842624, '1.00P'],
];

for (const [bytes, text] of verified) {
  human(`${bytes} -> ${text}`, () => {
    assert.is(bytesToHuman(bytes), text);
  });
}

human('beyond petabytes Redis prints plain bytes', () => {
  assert.is(bytesToHuman(1152921504606846976), '1152921504606846976B'); // verified on Redis 7.0.15
});

const sections = suite('INFO section selection');

sections('no argument is the default set, without commandstats and latencystats', () => {
  const s = selectSections([]);
  for (const name of ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace']) {
    assert.ok(s.has(name), name);
  }
  assert.not.ok(s.has('commandstats'));
  assert.not.ok(s.has('latencystats'));
});

sections('all and everything include commandstats; default can be combined', () => {
  assert.ok(selectSections(['all']).has('commandstats'));
  assert.ok(selectSections(['everything']).has('latencystats'));
  const combined = selectSections(['default', 'commandstats']);
  assert.ok(combined.has('commandstats') && combined.has('server'));
  assert.equal([...selectSections(['module_list'])], ['modules']);
});

human.run();
sections.run();
