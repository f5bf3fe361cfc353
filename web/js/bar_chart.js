// A horizontal bar chart of shares (0–100 %), one bar per line, in plain
// SVG: the compliance view's classes or teachers by one figure. Bars below
// `threshold` are drawn as a warning. Each bar is a button-like target:
// onSelect(item) is called on click or Enter/Space (the drill-down).
const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const ROW = 22;
const PAD = { left: 190, right: 64, top: 24, bottom: 8 };

function el(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function shorten(text, max) {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

// items: [{id, label, value (hundredths of a percent), title}]
export function barChart(items, { title, threshold = 8000, onSelect, valueText } = {}) {
  const height = PAD.top + PAD.bottom + Math.max(1, items.length) * ROW;
  const svg = el('svg', { viewBox: `0 0 ${W} ${height}`, class: 'bar-chart', role: 'group', 'aria-label': title || '' });
  svg.append(el('title', {}, title || ''));
  const x0 = PAD.left, x1 = W - PAD.right;
  const x = (v) => x0 + (Math.max(0, Math.min(10000, v)) / 10000) * (x1 - x0);
  for (const v of [0, 2500, 5000, 7500, 10000]) {
    svg.append(el('line', { x1: x(v), x2: x(v), y1: PAD.top - 4, y2: height - PAD.bottom, class: 'chart-grid' }));
    svg.append(el('text', { x: x(v), y: PAD.top - 8, class: 'chart-label', 'text-anchor': 'middle' }, `${v / 100} %`));
  }
  if (threshold) {
    svg.append(el('line', { x1: x(threshold), x2: x(threshold), y1: PAD.top - 4, y2: height - PAD.bottom, class: 'bar-threshold' }));
  }
  if (!items.length) {
    svg.append(el('text', { x: (x0 + x1) / 2, y: PAD.top + 15, class: 'chart-empty', 'text-anchor': 'middle' }, 'Нет данных'));
    return svg;
  }
  items.forEach((item, i) => {
    const y = PAD.top + i * ROW;
    const g = el('g', {
      class: 'bar' + (item.value < threshold ? ' bar-low' : ''), tabindex: onSelect ? 0 : -1,
      role: onSelect ? 'button' : 'img', 'data-id': item.id,
      'aria-label': `${item.label}: ${valueText(item.value)}`,
    });
    g.append(el('title', {}, item.title || `${item.label}: ${valueText(item.value)}`));
    g.append(el('text', { x: x0 - 8, y: y + ROW / 2 + 4, class: 'bar-label', 'text-anchor': 'end' }, shorten(item.label, 26)));
    g.append(el('rect', { x: x0, y: y + 3, width: W - PAD.right - x0, height: ROW - 6, class: 'bar-track' }));
    g.append(el('rect', { x: x0, y: y + 3, width: Math.max(0, x(item.value) - x0), height: ROW - 6, class: 'bar-fill' }));
    g.append(el('text', { x: x1 + 6, y: y + ROW / 2 + 4, class: 'bar-value' }, valueText(item.value)));
    if (onSelect) {
      g.addEventListener('click', () => onSelect(item));
      g.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(item);
        }
      });
    }
    svg.append(g);
  });
  return svg;
}
