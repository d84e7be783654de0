// The plots BENCHMARKS.md embeds, as small self-contained SVGs written by the report: the
// start-up phases of the app against the reference, and refresh requests per second over the
// refresh-at-scale run. Plain SVG (no fonts or scripts beyond a generic family), so GitHub and
// any viewer show it as it is.

const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function frame(width, height, title, body) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="16" y="22" font-size="14" font-weight="bold" fill="#1f1f2e">${esc(title)}</text>
${body}
</svg>
`;
}

/** Start-up phases: one line per phase (in the app's order), a bar from the launch request to
 *  the phase for the app and, where it has the phase, for the reference. `app` and `ref` map
 *  a phase name to its median ms. */
export function startupPhasesSvg(app, ref) {
  const width = 760;
  const left = 170;
  const right = width - 70;
  const names = [...new Set([...Object.keys(app ?? {}), ...Object.keys(ref ?? {})])].sort(
    (a, b) => (app?.[a] ?? ref?.[a]) - (app?.[b] ?? ref?.[b]),
  );
  const max = Math.max(1, ...Object.values(app ?? {}), ...Object.values(ref ?? {}));
  const x = (ms) => left + ((right - left) * ms) / max;
  const rowH = 30;
  const top = 56;
  let body = `<rect x="${left}" y="34" width="10" height="10" fill="#4f46e5"/><text x="${left + 14}" y="43" font-size="11" fill="#3f3f55">app</text>`;
  body += `<rect x="${left + 60}" y="34" width="10" height="10" fill="#9ca3af"/><text x="${left + 74}" y="43" font-size="11" fill="#3f3f55">reference (bare Tauri window)</text>`;
  names.forEach((name, i) => {
    const y = top + i * rowH;
    body += `<text x="${left - 8}" y="${y + 12}" font-size="11" text-anchor="end" fill="#1f1f2e">${esc(name)}</text>`;
    [
      [app?.[name], '#4f46e5', 0],
      [ref?.[name], '#9ca3af', 11],
    ].forEach(([ms, colour, dy]) => {
      if (ms === undefined) return;
      body += `<rect x="${left}" y="${y + dy}" width="${(x(ms) - left).toFixed(1)}" height="9" fill="${colour}"/>`;
      body += `<text x="${(x(ms) + 4).toFixed(1)}" y="${y + dy + 8}" font-size="10" fill="#3f3f55">${Math.round(ms)}</text>`;
    });
  });
  const axisY = top + names.length * rowH + 4;
  body += `<line x1="${left}" y1="${axisY}" x2="${right}" y2="${axisY}" stroke="#6b7280"/>`;
  const step = max > 1500 ? 500 : max > 600 ? 200 : 100;
  for (let t = 0; t <= max; t += step) {
    body += `<line x1="${x(t)}" y1="${axisY}" x2="${x(t)}" y2="${axisY + 4}" stroke="#6b7280"/><text x="${x(t)}" y="${axisY + 16}" font-size="10" text-anchor="middle" fill="#3f3f55">${t}</text>`;
  }
  body += `<text x="${right}" y="${axisY + 30}" font-size="10" text-anchor="end" fill="#3f3f55">ms after the launch request (medians)</text>`;
  return frame(width, axisY + 40, 'Start-up phases: app and reference', body);
}

/** Refresh requests per second over the run, as bars, with the mean as a line. */
export function refreshRateSvg(perSecond, caption) {
  const width = 760;
  const height = 240;
  const left = 48;
  const right = width - 16;
  const top = 40;
  const bottom = height - 36;
  const n = Math.max(1, perSecond.length);
  const max = Math.max(1, ...perSecond);
  const barW = (right - left) / n;
  const y = (v) => bottom - ((bottom - top) * v) / max;
  let body = '';
  perSecond.forEach((v, i) => {
    if (v > 0) body += `<rect x="${(left + i * barW).toFixed(2)}" y="${y(v).toFixed(2)}" width="${Math.max(barW - 0.3, 0.5).toFixed(2)}" height="${(bottom - y(v)).toFixed(2)}" fill="#4f46e5"/>`;
  });
  const mean = perSecond.reduce((a, b) => a + b, 0) / n;
  body += `<line x1="${left}" y1="${y(mean)}" x2="${right}" y2="${y(mean)}" stroke="#dc2626" stroke-dasharray="4 3"/>`;
  body += `<text x="${right}" y="${top - 6}" font-size="10" text-anchor="end" fill="#dc2626">dashed: mean ${mean.toFixed(1)}/s</text>`;
  body += `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#6b7280"/><line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#6b7280"/>`;
  body += `<text x="${left - 6}" y="${top + 4}" font-size="10" text-anchor="end" fill="#3f3f55">${max}</text><text x="${left - 6}" y="${bottom}" font-size="10" text-anchor="end" fill="#3f3f55">0</text>`;
  const step = n > 300 ? 60 : 30;
  for (let t = 0; t < n; t += step) {
    body += `<text x="${left + t * barW}" y="${bottom + 14}" font-size="10" text-anchor="middle" fill="#3f3f55">${t}</text>`;
  }
  body += `<text x="${right}" y="${bottom + 28}" font-size="10" text-anchor="end" fill="#3f3f55">seconds into the run</text>`;
  return frame(width, height, `Refresh requests per second: ${caption}`, body);
}
