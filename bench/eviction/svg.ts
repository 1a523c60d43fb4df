// Two hand-written SVG charts (no chart dependency): grouped bars and lines.

const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#333333', '#999999'];

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Bars: one group per label, one bar per series (values are ratios 0..1). */
export function barChart(title: string, groups: string[], series: Array<{ name: string; values: number[] }>): string {
  const barW = 8;
  const groupW = series.length * barW + 24;
  const left = 60;
  const top = 40;
  const plotH = 320;
  const legendW = 230;
  const width = left + groups.length * groupW + 20 + legendW;
  const height = top + plotH + 60;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${left}" y="20" font-size="15">${escape(title)}</text>`);
  for (let t = 0; t <= 10; t++) {
    const y = top + plotH - (t / 10) * plotH;
    out.push(`<line x1="${left}" x2="${left + groups.length * groupW}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${t * 10}%</text>`);
  }
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupW + 12;
    series.forEach((s, si) => {
      const v = Math.max(0, Math.min(1, s.values[gi] ?? 0));
      const h = v * plotH;
      out.push(`<rect x="${x0 + si * barW}" y="${top + plotH - h}" width="${barW - 1}" height="${h}" fill="${COLORS[si % COLORS.length]}"><title>${escape(`${s.name} ${g}: ${(v * 100).toFixed(2)}%`)}</title></rect>`);
    });
    out.push(`<text x="${x0 + (series.length * barW) / 2}" y="${top + plotH + 18}" text-anchor="middle">${escape(g)}</text>`);
  });
  const lx = left + groups.length * groupW + 20;
  series.forEach((s, si) => {
    out.push(`<rect x="${lx}" y="${top + si * 16}" width="10" height="10" fill="${COLORS[si % COLORS.length]}"/>`);
    out.push(`<text x="${lx + 16}" y="${top + si * 16 + 9}">${escape(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Lines over x (maxmemory-samples), with horizontal reference lines. */
export function lineChart(title: string, lines: Array<{ name: string; points: Array<[number, number]> }>, refs: Array<{ name: string; value: number }>): string {
  const left = 60;
  const top = 40;
  const plotW = 480;
  const plotH = 320;
  const width = left + plotW + 260;
  const height = top + plotH + 60;
  const xs = lines.flatMap((l) => l.points.map((p) => p[0]));
  const ys = [...lines.flatMap((l) => l.points.map((p) => p[1])), ...refs.map((r) => r.value)];
  const xMax = Math.max(1, ...xs);
  const yMin = Math.max(0, Math.floor((Math.min(...ys, 1) - 0.02) * 20) / 20);
  const yMax = Math.min(1, Math.ceil((Math.max(...ys, 0) + 0.02) * 20) / 20);
  const X = (x: number): number => left + (x / xMax) * plotW;
  const Y = (y: number): number => top + plotH - ((y - yMin) / Math.max(1e-9, yMax - yMin)) * plotH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${left}" y="20" font-size="15">${escape(title)}</text>`);
  for (let t = 0; t <= 5; t++) {
    const v = yMin + ((yMax - yMin) * t) / 5;
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${Y(v)}" y2="${Y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${Y(v) + 4}" text-anchor="end">${(v * 100).toFixed(1)}%</text>`);
  }
  for (const x of [...new Set(xs)]) out.push(`<text x="${X(x)}" y="${top + plotH + 16}" text-anchor="middle">${x}</text>`);
  out.push(`<text x="${left + plotW / 2}" y="${top + plotH + 36}" text-anchor="middle">maxmemory-samples</text>`);
  let i = 0;
  const legend: string[] = [];
  for (const l of lines) {
    const color = COLORS[i % COLORS.length];
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${l.points.map((p) => `${X(p[0])},${Y(p[1])}`).join(' ')}"/>`);
    for (const p of l.points) out.push(`<circle cx="${X(p[0])}" cy="${Y(p[1])}" r="3" fill="${color}"><title>${escape(`${l.name} samples=${p[0]}: ${(p[1] * 100).toFixed(2)}%`)}</title></circle>`);
    legend.push(`<rect x="${left + plotW + 20}" y="${top + i * 16}" width="10" height="10" fill="${color}"/><text x="${left + plotW + 36}" y="${top + i * 16 + 9}">${escape(l.name)}</text>`);
    i++;
  }
  for (const r of refs) {
    const color = COLORS[i % COLORS.length];
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${Y(r.value)}" y2="${Y(r.value)}" stroke="${color}" stroke-dasharray="6 4"/>`);
    legend.push(`<rect x="${left + plotW + 20}" y="${top + i * 16}" width="10" height="10" fill="${color}"/><text x="${left + plotW + 36}" y="${top + i * 16 + 9}">${escape(`${r.name} ${(r.value * 100).toFixed(2)}%`)}</text>`);
    i++;
  }
  out.push(...legend);
  out.push('</svg>');
  return out.join('\n');
}
