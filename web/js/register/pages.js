// The register's pages besides the grid: the lessons' topics and homework
// (on screen and on paper) and the print version of the grid, one table per
// month as on the pages of a paper register. Both are rebuilt from each view.
import { h, clear } from '../dom.js';
import { ATTENDANCE_SHORT, ddmm, ddmmyyyy, hundredths, markText, monthText, todayIso } from '../format.js';

// onEdit(lesson): opens the lesson's dialog.
export function renderTopics(box, view, onEdit) {
  const today = todayIso();
  clear(box).append(h('h2', { id: 'topics-title' }, 'Темы уроков и домашние задания'));
  if (!view.lessons?.length) return;
  box.append(h('div', { class: 'table-wrap' }, h('table', { class: 'table topics-table' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Дата'), h('th', { scope: 'col' }, 'Урок'), h('th', { scope: 'col' }, 'Тема'),
      h('th', { scope: 'col' }, 'Домашнее задание'), h('th', { scope: 'col' }, 'Сдать к'),
      h('th', { scope: 'col', class: 'no-print' }, h('span', { class: 'visually-hidden' }, 'Действия')))),
    h('tbody', {}, view.lessons.map((l) => h('tr', { class: l.cancelled ? 'cancelled' : null },
      h('td', {}, ddmm(l.date)),
      h('td', {}, l.number),
      h('td', {}, l.cancelled ? 'урок отменён' : l.topic || (l.date <= today
        ? h('span', { class: 'warn' }, 'тема не записана') : '')),
      h('td', {}, l.homework || '', l.homeworkLate ? h('span', { class: 'late-note' }, ' с опозданием') : null),
      h('td', {}, l.homeworkDue ? ddmm(l.homeworkDue) : ''),
      h('td', { class: 'no-print' }, l.cancelled ? null : h('button', {
        type: 'button', class: 'btn btn-small', onclick: () => onEdit(l),
        'aria-label': `Изменить урок ${ddmm(l.date)}`,
      }, 'Изменить'))))))));
}

// teacherName: printed when the user teaches the register's lessons.
export function renderPrint(box, view, teacherName) {
  clear(box);
  const p = view.period || {};
  box.append(h('h1', {}, `Классный журнал. ${view.className} класс. ${view.subjectName}`),
    h('p', {}, `${p.name || ''}: ${ddmmyyyy(p.start)} – ${ddmmyyyy(p.end)}`,
      teacherName ? `. Учитель: ${teacherName}` : ''));
  const months = new Map();
  (view.lessons || []).forEach((l, i) => {
    const m = l.date.slice(0, 7);
    if (!months.has(m)) months.set(m, []);
    months.get(m).push(i);
  });
  const keys = [...months.keys()];
  keys.forEach((m, k) => {
    const cols = months.get(m);
    const last = k === keys.length - 1;
    box.append(h('table', { class: 'print-table' },
      h('caption', {}, monthText(m + '-01')),
      h('thead', {}, h('tr', {},
        h('th', {}, '№'), h('th', {}, 'Ученик'),
        cols.map((i) => h('th', {}, view.lessons[i].date.slice(8, 10))),
        last ? [h('th', {}, 'Ср.'), h('th', {}, 'Взв.'), h('th', {}, 'Итог')] : null)),
      h('tbody', {}, (view.students || []).map((s, r) => h('tr', {},
        h('td', {}, r + 1), h('td', { class: 'name' }, s.fullName),
        cols.map((i) => {
          const c = s.cells?.[i] || {};
          const text = [
            ...(c.marks || []).filter((x) => !x.cancelled).map((x) => markText(x.value) + (x.late ? '*' : '')),
            c.attendance && c.attendance !== 'present' ? ATTENDANCE_SHORT[c.attendance] : '',
          ].filter(Boolean).join(' ');
          return h('td', { class: c.notEnrolled ? 'ne' : null }, text);
        }),
        last ? [
          h('td', {}, hundredths(s.averages?.simpleHundredths, s.averages?.count)),
          h('td', {}, hundredths(s.averages?.weightedHundredths, s.averages?.count)),
          h('td', {}, s.hasPeriodMark ? markText(s.periodMark.value) : ''),
        ] : null)))));
  });
  box.append(h('p', { class: 'print-note' },
    '* — отметка внесена после 17:00 дня урока (с опозданием). Н — без уважительной причины, Б — болезнь, У — уважительная причина, ОП — опоздание.'));
}
