import type { VNode } from 'preact';

/**
 * Server-rendered SVG charts. Each is an image with a title and a summary for screen readers;
 * the page puts the same numbers in a table next to it. Every mark has at least 3:1 contrast
 * against the white background (WCAG 1.4.11) and the two series also differ in shape or
 * position, not only in colour (1.4.1).
 */

/** Amber 5.0:1 and the brand blue 8.4:1 against white; blue always means closed. */
export const COLOURS = { amber: '#b45309', blue: '#0b4f8a', axis: '#6b7784', grid: '#c9d1da', ink: '#1b1f24', muted: '#4a5560' } as const;

// Narrow drawings keep their text legible when a phone scales them down.
const BAR_W = 480;
const TREND_W = 560;
const LEGEND_H = 28;

function Legend({ items }: { items: { label: string; colour: string; shape: 'bar' | 'line-circle' | 'line-square' }[] }): VNode {
  let x = 0;
  return (
    <g class="legend" aria-hidden="true">
      {items.map((it) => {
        const at = x;
        x += 24 + it.label.length * 7.5 + 24;
        return (
          <g transform={`translate(${at},6)`}>
            {it.shape === 'bar' ? (
              <rect x="0" y="2" width="16" height="12" fill={it.colour} />
            ) : (
              <>
                <line x1="0" y1="8" x2="18" y2="8" stroke={it.colour} stroke-width="2.5" stroke-dasharray={it.shape === 'line-square' ? '5 3' : undefined} />
                {it.shape === 'line-circle' ? <circle cx="9" cy="8" r="3.5" fill={it.colour} /> : <rect x="5.5" y="4.5" width="7" height="7" fill={it.colour} />}
              </>
            )}
            <text x="24" y="13" font-size="13" fill={COLOURS.ink}>
              {it.label}
            </text>
          </g>
        );
      })}
    </g>
  );
}

const clip = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One bar: a label and its open and closed parts. */
export interface BarRow {
  label: string;
  open: number;
  closed: number;
}

/** A horizontal bar chart of open and closed cases per row (categories, districts). */
export function BarChart(props: { id: string; title: string; summary: string; rows: BarRow[]; legend: { open: string; closed: string } }): VNode {
  const rowH = 38;
  const barMax = BAR_W - 90;
  const max = Math.max(1, ...props.rows.map((r) => r.open + r.closed));
  const h = LEGEND_H + props.rows.length * rowH + 4;
  return (
    <svg class="chart" role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`} viewBox={`0 0 ${BAR_W} ${h}`} width="100%" preserveAspectRatio="xMinYMin meet">
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.summary}</desc>
      <Legend
        items={[
          { label: props.legend.open, colour: COLOURS.amber, shape: 'bar' },
          { label: props.legend.closed, colour: COLOURS.blue, shape: 'bar' },
        ]}
      />
      <g aria-hidden="true">
        {props.rows.map((r, i) => {
          const y = LEGEND_H + i * rowH;
          const wo = (r.open / max) * barMax;
          const wc = (r.closed / max) * barMax;
          // A white gap keeps the two parts apart whatever their colours.
          const gap = wo > 0 && wc > 0 ? 2 : 0;
          return (
            <g>
              <text x="0" y={y + 13} font-size="13" fill={COLOURS.ink}>
                {clip(r.label)}
              </text>
              {wo > 0 && <rect x="0" y={y + 18} width={Math.max(wo, 1).toFixed(1)} height="14" fill={COLOURS.amber} />}
              {wc > 0 && <rect x={(wo + gap).toFixed(1)} y={y + 18} width={Math.max(wc, 1).toFixed(1)} height="14" fill={COLOURS.blue} />}
              <text x={(wo + gap + wc + 6).toFixed(1)} y={y + 30} font-size="12" fill={COLOURS.muted}>
                {`${r.open} / ${r.closed}`}
              </text>
            </g>
          );
        })}
      </g>
    </svg>
  );
}

/** A round upper bound and step for an axis from 0 to `max`. */
export function axisTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const stepInt = Math.max(1, Math.round(step));
  const top = Math.ceil(max / stepInt) * stepInt;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += stepInt) ticks.push(v);
  return ticks;
}

/** One point in time of the trend. */
export interface TrendPoint {
  label: string;
  registered: number;
  closed: number;
}

/** A line chart of registered and closed cases per week. */
export function TrendChart(props: { id: string; title: string; summary: string; points: TrendPoint[]; legend: { registered: string; closed: string } }): VNode {
  const h = 270;
  const m = { left: 44, right: 24, top: LEGEND_H + 10, bottom: 34 };
  const W = TREND_W;
  const pw = W - m.left - m.right;
  const ph = h - m.top - m.bottom;
  const n = props.points.length;
  const ticks = axisTicks(Math.max(0, ...props.points.flatMap((p) => [p.registered, p.closed])));
  const top = ticks.at(-1)!;
  const x = (i: number) => m.left + (n > 1 ? (i * pw) / (n - 1) : pw / 2);
  const y = (v: number) => m.top + ph - (v / top) * ph;
  const line = (k: 'registered' | 'closed') => props.points.map((p, i) => `${x(i).toFixed(1)},${y(p[k]).toFixed(1)}`).join(' ');
  return (
    <svg class="chart" role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`} viewBox={`0 0 ${W} ${h}`} width="100%" preserveAspectRatio="xMinYMin meet">
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.summary}</desc>
      <Legend
        items={[
          { label: props.legend.registered, colour: COLOURS.amber, shape: 'line-circle' },
          { label: props.legend.closed, colour: COLOURS.blue, shape: 'line-square' },
        ]}
      />
      <g aria-hidden="true">
        {ticks.map((v) => (
          <g>
            <line x1={m.left} x2={W - m.right} y1={y(v).toFixed(1)} y2={y(v).toFixed(1)} stroke={v === 0 ? COLOURS.axis : COLOURS.grid} stroke-width="1" />
            <text x={m.left - 6} y={(y(v) + 4).toFixed(1)} font-size="12" text-anchor="end" fill={COLOURS.muted}>
              {String(v)}
            </text>
          </g>
        ))}
        {props.points.map((p, i) =>
          // Every fourth week, counted back from the current one so that it is always labelled.
          (n - 1 - i) % 4 === 0 ? (
            <text x={x(i).toFixed(1)} y={h - m.bottom + 18} font-size="11" text-anchor="middle" fill={COLOURS.muted}>
              {p.label}
            </text>
          ) : null,
        )}
        <polyline points={line('registered')} fill="none" stroke={COLOURS.amber} stroke-width="2.5" />
        <polyline points={line('closed')} fill="none" stroke={COLOURS.blue} stroke-width="2.5" stroke-dasharray="6 4" />
        {props.points.map((p, i) => (
          <circle cx={x(i).toFixed(1)} cy={y(p.registered).toFixed(1)} r="3.5" fill={COLOURS.amber} />
        ))}
        {props.points.map((p, i) => (
          <rect x={(x(i) - 3.5).toFixed(1)} y={(y(p.closed) - 3.5).toFixed(1)} width="7" height="7" fill={COLOURS.blue} />
        ))}
      </g>
    </svg>
  );
}
