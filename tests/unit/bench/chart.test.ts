import { renderLatencyChart, niceAxis, escapeXml } from '../../../bench/chart';
import { toMarkdown } from '../../../bench/report';

const meta = {
  date: '2026-01-01T00:00:00.000Z',
  cpus: 2,
  rate: 100,
  profiles: ['zero', 'button'],
  profileLabels: { zero: 'simulator ~0 ms', button: 'simulator ~100 ms' },
  halfOpenAfterMs: 5000,
  poolSize: 16,
  warmupMs: 3000,
};
const row = (id: string, profile: string, p50: number) => ({
  id,
  profile,
  label: `(${id}) row <${id}>`,
  p50,
  p90: p50 * 1.2,
  p99: p50 * 1.5,
  max: p50 * 2,
  requests: 100,
  successRate: 1,
  throughput: 100,
});
const results = {
  meta,
  latency: [
    row('a', 'zero', 2),
    row('b', 'zero', 4),
    row('c', 'zero', 1),
    row('a', 'button', 100),
    row('b', 'button', 104),
    row('c', 'button', 5),
  ],
  faults: [
    {
      id: 'errors-503',
      label: '10% upstream 503s',
      p50: 105,
      p90: 120,
      p99: 240,
      max: 300,
      requests: 100,
      successRate: 1,
      amplification: 1.1,
    },
  ],
};

/** Tags left open or closed out of order (a well-formedness check small enough to read). */
function unbalancedTags(xml: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  for (const [, closing, name, selfClosing] of xml.matchAll(/<(\/?)([a-zA-Z][\w-]*)(?:\s[^>]*?)?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) problems.push(`</${name}>`);
  }
  return [...problems, ...stack];
}

describe('latency chart', () => {
  const svg = renderLatencyChart(results);

  it('is one well-formed SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(unbalancedTags(svg)).toEqual([]);
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('labels the panels, the rows (escaped), the percentiles and the axes in ms', () => {
    expect(svg).toContain('simulator ~0 ms');
    expect(svg).toContain('simulator ~100 ms');
    expect(svg).toContain('(a) row &lt;a&gt;');
    expect(svg).toContain('10% upstream 503s');
    for (const label of ['p50', 'p90', 'p99']) expect(svg).toContain(`>${label}<`);
    expect(svg).toMatch(/>\d+ ms</);
  });

  it('chooses round axis steps that cover the largest value', () => {
    expect(niceAxis(156)).toEqual({ top: 200, ticks: [0, 50, 100, 150, 200] });
    expect(niceAxis(4.2).top).toBeGreaterThanOrEqual(4.2);
    expect(niceAxis(0).top).toBe(1);
    expect(escapeXml('a<b & "c"')).toBe('a&lt;b &amp; &quot;c&quot;');
  });
});

describe('markdown report', () => {
  it('has a table per profile, the fault table and the targets table', () => {
    const markdown = toMarkdown(results as never);
    expect(markdown).toContain('## simulator ~0 ms');
    expect(markdown).toContain('## simulator ~100 ms');
    expect(markdown).toContain(
      '| row | requests | ok | p50 | p90 | p99 | max | req/s | upstream conns | upstream/req | RSS before | RSS after |'
    );
    expect(markdown).toContain('## Faults');
    expect(markdown).toContain('## Targets');
    expect(markdown).toMatch(/\| plugin overhead p50, zero: .* \| met \|/);
  });
});
