// Small inline-SVG charts, drawn with createElementNS (no library, no CDN). Each has a text alternative.
import { svg } from "./dom.js";

let counter = 0;

function frame(width, height, title) {
  counter += 1;
  const id = `chart-title-${counter}`;
  return svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-labelledby": id,
    preserveAspectRatio: "xMidYMid meet" }, svg("title", { id, text: title }));
}

/**
 * Stacked columns: one per date, a segment per key (CSS class ``fill-<key>``).
 * ``series[key][i]`` is the count of ``key`` on ``dates[i]``.
 */
export function stackedColumns({ dates, series, keys, title, dateLabel, segmentLabel }) {
  const width = 640;
  const height = 220;
  const left = 34;
  const bottom = 26;
  const top = 10;
  const totals = dates.map((_, i) => keys.reduce((sum, key) => sum + ((series[key] || [])[i] || 0), 0));
  const max = Math.max(1, ...totals);
  const plot = height - bottom - top;
  const step = (width - left - 6) / Math.max(1, dates.length);
  const chart = frame(width, height, title);
  chart.append(
    svg("line", { x1: left, y1: top + plot, x2: width - 4, y2: top + plot, class: "axis" }),
    svg("text", { x: left - 6, y: top + 8, class: "tick", "text-anchor": "end", text: String(max) }),
    svg("text", { x: left - 6, y: top + plot, class: "tick", "text-anchor": "end", text: "0" }));
  dates.forEach((date, i) => {
    let y = top + plot;
    for (const key of keys) {
      const value = (series[key] || [])[i] || 0;
      if (!value) continue;
      const h = (value / max) * plot;
      y -= h;
      chart.append(svg("rect", { x: left + i * step + step * 0.12, y, width: Math.max(1, step * 0.76), height: h,
        class: `fill-${key.toLowerCase()}` }, svg("title", { text: `${dateLabel(date)}: ${segmentLabel(key)} ${value}` })));
    }
  });
  const labelled = dates.length <= 1 ? [0] : [0, Math.floor((dates.length - 1) / 2), dates.length - 1];
  for (const i of new Set(labelled)) {
    const anchor = i === 0 ? "start" : i === dates.length - 1 ? "end" : "middle";
    const x = anchor === "start" ? left : anchor === "end" ? width - 4 : left + i * step + step / 2;
    chart.append(svg("text", { x, y: height - 8, class: "tick", "text-anchor": anchor, text: dateLabel(dates[i]) }));
  }
  return chart;
}

/** Horizontal bars, one row per item {label, value, text}; ``max`` scales them (default: largest value). */
export function horizontalBars({ items, title, max, barClass = "fill-bar" }) {
  const width = 640;
  const row = 30;
  const labelWidth = 250;
  const height = Math.max(row, items.length * row) + 4;
  const scale = max ?? Math.max(1, ...items.map((item) => item.value));
  const chart = frame(width, height, title);
  items.forEach((item, i) => {
    const y = i * row + 4;
    const w = ((width - labelWidth - 70) * item.value) / scale;
    chart.append(
      svg("text", { x: 0, y: y + 17, class: "bar-label", text: item.label }),
      svg("rect", { x: labelWidth, y: y + 4, width: Math.max(0, w), height: row - 12, class: barClass }),
      svg("text", { x: labelWidth + w + 6, y: y + 17, class: "bar-value", text: item.text ?? String(item.value) }));
  });
  return chart;
}

/** A small 0-100 % meter for a table cell. */
export function meter(rate, label) {
  const value = rate === null || rate === undefined ? 0 : Math.round(rate * 100);
  return svg("svg", { viewBox: "0 0 100 10", class: "meter", role: "img", "aria-label": label },
    svg("rect", { x: 0, y: 0, width: 100, height: 10, class: "meter-track" }),
    svg("rect", { x: 0, y: 0, width: value, height: 10, class: value >= 80 ? "meter-good" : "meter-bad" }));
}
