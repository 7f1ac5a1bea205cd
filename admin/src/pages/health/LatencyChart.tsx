import { Box, Flex, Typography } from '@strapi/design-system';
import { useTheme } from 'styled-components';
import type { HealthSnapshot } from '../../../../server/src/contracts/admin';
import { useT } from '../../utils/useT';

const WIDTH = 1000;
const HEIGHT = 180;
const PAD = { top: 12, right: 12, bottom: 24, left: 44 };

type Series = HealthSnapshot['upstream']['series'];

/**
 * p50 / p95 latency per interval as lines, errors as red bars: plain SVG from the health series (no chart
 * library in the bundle). Intervals without calls leave gaps in the lines.
 */
export function LatencyChart({ series }: { series: Series }) {
  const t = useT();
  const { colors } = useTheme();
  const maxMs = Math.max(1, ...series.flatMap((point) => [point.p50_ms ?? 0, point.p95_ms ?? 0]));
  const maxErrors = Math.max(1, ...series.map((point) => point.errors));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const step = series.length > 1 ? innerW / (series.length - 1) : innerW;
  const x = (index: number) => PAD.left + (series.length > 1 ? index * step : innerW / 2);
  const y = (ms: number) => PAD.top + innerH - (ms / maxMs) * innerH;

  const line = (pick: (point: Series[number]) => number | null) => {
    let path = '';
    let pen = false;
    series.forEach((point, index) => {
      const value = pick(point);
      if (value === null) {
        pen = false;
        return;
      }
      path += `${pen ? 'L' : 'M'}${x(index).toFixed(1)},${y(value).toFixed(1)} `;
      pen = true;
    });
    return path.trim();
  };
  const barWidth = Math.max(2, Math.min(12, step / 2));

  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Box>
        <svg
          role="img"
          aria-label={t('health.chart.label', 'Latency (p50, p95) and errors over the last minutes')}
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          width="100%"
          style={{ display: 'block' }}
          data-testid="latency-chart"
        >
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + innerH} y2={PAD.top + innerH} stroke={colors.neutral300} />
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top} y2={PAD.top} stroke={colors.neutral150} strokeDasharray="4 4" />
          <text x={PAD.left - 6} y={PAD.top + 4} textAnchor="end" fontSize="10" fill={colors.neutral600}>
            {`${Math.round(maxMs)} ms`}
          </text>
          <text x={PAD.left - 6} y={PAD.top + innerH} textAnchor="end" fontSize="10" fill={colors.neutral600}>
            0
          </text>
          {series.map((point, index) =>
            point.errors > 0 ? (
              <rect
                key={point.at}
                x={x(index) - barWidth / 2}
                width={barWidth}
                y={PAD.top + innerH - (point.errors / maxErrors) * (innerH / 3)}
                height={(point.errors / maxErrors) * (innerH / 3)}
                fill={colors.danger500}
                opacity={0.7}
              />
            ) : null
          )}
          <path d={line((point) => point.p95_ms)} fill="none" stroke={colors.warning500} strokeWidth={2} />
          <path d={line((point) => point.p50_ms)} fill="none" stroke={colors.primary600} strokeWidth={2} />
          {/* Dots too: an interval with calls between two quiet ones would otherwise draw nothing. */}
          {series.flatMap((point, index) =>
            [
              [point.p95_ms, colors.warning500],
              [point.p50_ms, colors.primary600],
            ].map(([value, color], which) =>
              value === null ? null : (
                <circle key={`${point.at}-${which}`} cx={x(index)} cy={y(value as number)} r={3} fill={color as string} />
              )
            )
          )}
          {series.length > 0 ? (
            <>
              <text x={PAD.left} y={HEIGHT - 6} fontSize="10" fill={colors.neutral600}>
                {new Date(series[0].at).toLocaleTimeString()}
              </text>
              <text x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end" fontSize="10" fill={colors.neutral600}>
                {new Date(series[series.length - 1].at).toLocaleTimeString()}
              </text>
            </>
          ) : null}
        </svg>
      </Box>
      <Flex gap={4}>
        <Legend color={colors.primary600} label={t('health.chart.p50', 'p50')} />
        <Legend color={colors.warning500} label={t('health.chart.p95', 'p95')} />
        <Legend color={colors.danger500} label={t('health.chart.errors', 'Errors')} />
      </Flex>
    </Flex>
  );
}

const Legend = ({ color, label }: { color: string; label: string }) => (
  <Flex gap={1} alignItems="center">
    <Box style={{ width: 12, height: 4, background: color, borderRadius: 2 }} />
    <Typography variant="pi" textColor="neutral600">
      {label}
    </Typography>
  </Flex>
);
