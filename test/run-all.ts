// Runs every uvu suite (unit, conformance, differential) in one process and
// ends with the line CI reads: "N passed, M failed".
// Usage: node dist/test/run-all.js [unit|conformance|differential ...]

import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const distRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const groups: Record<string, string> = {
  unit: join(distRoot, 'test'),
  conformance: join(distRoot, 'conformance'),
  differential: join(distRoot, 'conformance', 'differential'),
};

function testFiles(dir: string, recurse: boolean): string[] {
  let files: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return files;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (recurse) files = files.concat(testFiles(path, recurse));
    } else if (name.endsWith('.test.js')) {
      files.push(path);
    }
  }
  return files;
}

const wanted = process.argv.slice(2);
const selected = wanted.length ? wanted : Object.keys(groups);
const files: string[] = [];
for (const group of selected) {
  if (!(group in groups)) {
    console.error(`unknown test group '${group}' (unit, conformance, differential)`);
    process.exit(2);
  }
  // conformance/ holds differential/ as a subfolder, run as its own group.
  for (const file of testFiles(groups[group], group === 'unit')) if (!files.includes(file)) files.push(file);
}

// uvu prints its totals; we tee stdout to read them back for the closing line.
let captured = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  if (captured.length > 1 << 20) captured = captured.slice(-4096);
  return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

(globalThis as Record<string, unknown>).UVU_DEFER = 1;
const uvu = await import('uvu');
const queue = (globalThis as unknown as { UVU_QUEUE: unknown[][] }).UVU_QUEUE;
let index = 0;
for (const file of files) {
  (globalThis as Record<string, unknown>).UVU_INDEX = index++;
  queue.push([file.slice(distRoot.length + 1)]);
  await import(pathToFileURL(file).href);
}
await uvu.exec(false);

const plain = captured.replace(/\x1b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
process.stdout.write = write;
console.log(`${passed} passed, ${total - passed} failed`);
if (total === 0) process.exitCode = 1;
process.exit(process.exitCode ?? (total === passed ? 0 : 1));
