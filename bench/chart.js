// @ts-check
'use strict';

/**
 * A dependency-free SVG of the latency results: one panel per simulator profile (rows a-d) and one for the
 * fault scenarios, each a set of horizontal bars (p50, p90, p99) on its own linear axis in ms, so the 0 ms rows
 * are not squashed by the 100 ms ones. Values are printed at the end of each bar; a dashed line marks the floor
 * p50(a) + p50(c) that the plugin's p50 (b) is compared with.
 */

const { round } = require('./stats');

const WIDTH = 960;
const LABEL_WIDTH = 300;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - 90;
const BAR_HEIGHT = 11;
const BAR_GAP = 2;
const GROUP_GAP = 12;
const PANEL_HEADER = 62;
const AXIS_HEIGHT = 30;
const SERIES = /** @type {const} */ ([
  { key: 'p50', color: '#4c78a8' },
  { key: 'p90', color: '#f2a541' },
  { key: 'p99', color: '#d1495b' },
]);

/**
 * @typedef {{ label: string, p50: number, p90: number, p99: number }} Bar
 * @typedef {{ title: string, bars: Bar[], marker?: { value: number, label: string } }} Panel
 */

/** @param {string} text */
function escapeXml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A "nice" axis: a step of 1, 2 or 5 times a power of ten, about five ticks, covering max.
 * @param {number} max
 */
function niceAxis(max) {
  const safe = Number.isFinite(max) && max > 0 ? max : 1;
  const rough = safe / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const top = Math.ceil(safe / step) * step;
  const ticks = [];
  for (let value = 0; value <= top + step / 1e6; value += step) ticks.push(round(value, 6));
  return { top, ticks };
}

/**
 * @param {Panel} panel
 * @param {number} y top of the panel
 * @returns {{ svg: string, height: number }}
 */
function renderPanel(panel, y) {
  const values = [...panel.bars.flatMap((bar) => SERIES.map((series) => bar[series.key])), panel.marker?.value ?? 0].filter(
    Number.isFinite
  );
  const { top, ticks } = niceAxis(Math.max(0, ...values));
  const x = (/** @type {number} */ value) => LABEL_WIDTH + (Math.max(0, value) / top) * PLOT_WIDTH;
  const groupHeight = SERIES.length * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP;
  const plotTop = y + PANEL_HEADER;
  const plotHeight = panel.bars.length * groupHeight;
  const parts = [`<text x="16" y="${y + 24}" class="title">${escapeXml(panel.title)}</text>`];

  for (const tick of ticks) {
    const tx = x(tick);
    parts.push(`<line x1="${tx}" y1="${plotTop - 4}" x2="${tx}" y2="${plotTop + plotHeight}" class="grid"/>`);
    parts.push(`<text x="${tx}" y="${plotTop + plotHeight + 16}" class="tick" text-anchor="middle">${tick} ms</text>`);
  }
  // Drawn before the bars, so values stay readable where the line crosses them.
  if (panel.marker && Number.isFinite(panel.marker.value)) {
    const mx = round(x(panel.marker.value), 2);
    parts.push(`<line x1="${mx}" y1="${plotTop - 12}" x2="${mx}" y2="${plotTop + plotHeight}" class="marker"/>`);
    parts.push(`<text x="${round(mx + 4, 2)}" y="${plotTop - 4}" class="marker-label">${escapeXml(panel.marker.label)}</text>`);
  }
  panel.bars.forEach((bar, index) => {
    const gy = plotTop + index * groupHeight;
    parts.push(
      `<text x="${LABEL_WIDTH - 10}" y="${gy + (SERIES.length * (BAR_HEIGHT + BAR_GAP)) / 2 + 4}" class="label" text-anchor="end">${escapeXml(bar.label)}</text>`
    );
    SERIES.forEach((series, s) => {
      const value = bar[series.key];
      const by = gy + s * (BAR_HEIGHT + BAR_GAP);
      const width = Number.isFinite(value) ? x(value) - LABEL_WIDTH : 0;
      const text = Number.isFinite(value) ? `${series.key} ${round(value, value < 10 ? 2 : 1)} ms` : `${series.key} n/a`;
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${by}" width="${round(Math.max(width, 0.5), 2)}" height="${BAR_HEIGHT}" fill="${series.color}"><title>${escapeXml(`${bar.label}: ${text}`)}</title></rect>`
      );
      parts.push(
        `<text x="${round(LABEL_WIDTH + Math.max(width, 0) + 4, 2)}" y="${by + BAR_HEIGHT - 2}" class="value">${escapeXml(text)}</text>`
      );
    });
  });
  return { svg: parts.join('\n'), height: PANEL_HEADER + plotHeight + AXIS_HEIGHT };
}

/**
 * @param {{ latency: Array<Record<string, any>>, faults: Array<Record<string, any>>, meta: Record<string, any> }} results
 * @returns {string}
 */
function renderLatencyChart(results) {
  // Latency rows are labelled by their short name ("(b) plugin"), so a SATURATED mark still fits the label column.
  const toBar = (/** @type {Record<string, any>} */ row) => ({
    label:
      row.amplification === undefined
        ? `${String(row.label).split(':')[0]}${row.saturated ? ' (SATURATED)' : ''}`
        : String(row.label),
    p50: row.p50,
    p90: row.p90,
    p99: row.p99,
  });
  /** @type {Panel[]} */
  const panels = (results.meta.profiles ?? []).map((/** @type {string} */ profile) => {
    const rows = results.latency
      .filter((row) => row.profile === profile)
      .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    const p50 = (/** @type {string} */ id) => rows.find((row) => row.id === id)?.p50;
    const floor = (p50('a') ?? NaN) + (p50('c') ?? NaN);
    return {
      title: `Latency at ${results.meta.rate} req/s, ${results.meta.profileLabels?.[profile] ?? profile}`,
      bars: rows.map(toBar),
      marker: Number.isFinite(floor) ? { value: floor, label: `floor: p50(a) + p50(c) = ${round(floor, 1)} ms` } : undefined,
    };
  });
  if (results.faults.length > 0)
    panels.push({ title: 'Faults (simulator ~100 ms), client latency', bars: results.faults.map(toBar) });

  const header = 64;
  let y = header;
  const body = [];
  for (const panel of panels) {
    const rendered = renderPanel(panel, y);
    body.push(rendered.svg);
    y += rendered.height + 10;
  }
  const legend = SERIES.map(
    (series, i) =>
      `<rect x="${LABEL_WIDTH + i * 90}" y="40" width="12" height="12" fill="${series.color}"/><text x="${LABEL_WIDTH + i * 90 + 18}" y="50" class="label">${series.key}</text>`
  ).join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>.title{font-size:15px;font-weight:bold;fill:#222}.label{font-size:12px;fill:#222}.value{font-size:10px;fill:#333;paint-order:stroke;stroke:#fff;stroke-width:3px}.tick{font-size:10px;fill:#666}.grid{stroke:#ddd;stroke-width:1}.marker{stroke:#222;stroke-width:1.5;stroke-dasharray:4 3}.marker-label{font-size:10px;fill:#222}</style>',
    `<rect width="${WIDTH}" height="${y}" fill="#fff"/>`,
    `<text x="16" y="24" class="title">strapi-plugin-button-personalization benchmark${results.meta.smoke ? ' (smoke)' : ''}: latency per scenario (lower is better)</text>`,
    `<text x="16" y="50" class="tick">${escapeXml(`${results.meta.date ?? ''}, ${results.meta.cpus ?? '?'} CPUs, open-loop fixed rate`)}</text>`,
    legend,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

module.exports = { renderLatencyChart, niceAxis, escapeXml };
