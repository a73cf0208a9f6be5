/**
 * `node --import tsx bench/profile-top.ts <file.cpuprofile> [rows]`: the functions
 * with the most self time in a V8 CPU profile (from `--cpu-prof`), with the share
 * of all samples, so a hot-path change can be judged by where the time went.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-top.ts <file.cpuprofile> [rows]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfSamples = new Map<string, number>();
for (const id of profile.samples) {
  const frame = byId.get(id)?.callFrame;
  if (!frame) continue;
  const where = frame.url
    ? `${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(packages|apps)\//, '')}:${frame.lineNumber + 1}`
    : '';
  const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
  selfSamples.set(key, (selfSamples.get(key) ?? 0) + 1);
}
const total = profile.samples.length;
const idle = selfSamples.get('(idle)') ?? 0;
console.log(`${total} samples, ${((idle / total) * 100).toFixed(1)} % idle; shares below are of busy samples`);
const rows = [...selfSamples.entries()].filter(([key]) => key !== '(idle)').sort((a, b) => b[1] - a[1]);
for (const [key, count] of rows.slice(0, Number(rowsArg ?? 30))) {
  console.log(`${((count / (total - idle)) * 100).toFixed(1).padStart(5)} %  ${key}`);
}
