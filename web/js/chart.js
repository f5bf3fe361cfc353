// A small SVG chart of one subject's marks over a period: a dot per numeric
// mark (coloured like the mark, larger for heavier work) and the running
// weighted average as a line. Plain SVG, no library; scales with its box.
import { markText, shortDateTimeText, hundredths, parseDay, dayMonthText } from './format.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 560, H = 180;
const PAD = { left: 30, right: 12, top: 12, bottom: 26 };

function el(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const dayFormat = new Intl.DateTimeFormat('ru-RU', { day: '2-digit', month: '2-digit' });

// A mark's day: its lesson's date (CellMark.lessonDate), else when it was posted.
function markDay(mark) {
  return mark.lessonDate ? parseDay(mark.lessonDate) : new Date(Number(BigInt(mark.postedAtUs || 0) / 1000n));
}

// marks: CellMark[] in date order; title: the subject's name.
export function marksChart(marks, title) {
  const points = marks
    .filter((m) => !m.cancelled && m.value?.numeric !== undefined)
    .map((m) => ({ mark: m, value: m.value.numeric, weight: m.weight || 1 }));
  const svg = el('svg', {
    viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', preserveAspectRatio: 'xMidYMid meet',
  });
  let sum = 0, weights = 0;
  for (const p of points) {
    sum += p.value * p.weight;
    weights += p.weight;
    p.average = sum / weights;
  }
  const summary = points.length
    ? `${title}: ${points.length} отметок, средний взвешенный балл ${hundredths(Math.round(points.at(-1).average * 100))}`
    : `${title}: отметок за период нет`;
  svg.append(el('title', {}, summary));

  const x0 = PAD.left, x1 = W - PAD.right, y0 = PAD.top, y1 = H - PAD.bottom;
  const y = (v) => y1 - ((v - 1) / 4) * (y1 - y0);
  const x = (i) => points.length <= 1 ? (x0 + x1) / 2 : x0 + 8 + (i * (x1 - x0 - 16)) / (points.length - 1);

  for (let v = 1; v <= 5; v++) {
    svg.append(el('line', { x1: x0, x2: x1, y1: y(v), y2: y(v), class: 'chart-grid' }));
    svg.append(el('text', { x: x0 - 8, y: y(v) + 4, class: 'chart-label', 'text-anchor': 'end' }, v));
  }
  if (!points.length) {
    svg.append(el('text', { x: (x0 + x1) / 2, y: (y0 + y1) / 2, class: 'chart-empty', 'text-anchor': 'middle' },
      'Отметок за период нет'));
    return svg;
  }
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.average).toFixed(1)}`).join(' ');
  svg.append(el('path', { d: line, class: 'chart-average' }));
  const step = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    const dot = el('circle', {
      cx: x(i), cy: y(p.value), r: 4 + Math.min(p.weight, 4),
      class: `chart-dot m${p.value}`,
    });
    const when = p.mark.lessonDate ? `урок ${dayMonthText(p.mark.lessonDate)}` : shortDateTimeText(p.mark.postedAtUs);
    dot.append(el('title', {}, `${markText(p.mark.value)} · ${when}` +
      (p.weight > 1 ? ` · вес ${p.weight}` : '')));
    svg.append(dot);
    if (i % step === 0) {
      svg.append(el('text', { x: x(i), y: H - 8, class: 'chart-label', 'text-anchor': 'middle' },
        dayFormat.format(markDay(p.mark))));
    }
  });
  return svg;
}
