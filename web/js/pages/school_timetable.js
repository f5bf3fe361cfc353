// A class's timetable («Расписание…» on the school page, «Расписание
// класса…» in the register): one week at a time (`classWeek`), lesson
// numbers down and weekdays across, each lesson with its subject, group and
// teacher, the cancelled ones struck through. The director reads it; the
// timetable's keepers (the administrator, the deputy, the secretary) put a
// lesson in for any load of the class and repeat the week shown into the
// following ones, and the administrator and the deputy cancel a span of
// lessons; a teacher repeats or cancels her own. After each change the
// week is read again.
import { h, clear } from '../dom.js';
import { addDays, mondayOf, todayIso, weekText } from '../format.js';
import { dialog } from '../dialogs.js';
import { cancelLessonsDialog, keeperLessonDialog, repeatWeekDialog } from '../register/lesson_scheduler.js';

const WEEKDAYS = ['Пн', 'Вт', 'Ср', 'Чт', 'Пт', 'Сб', 'Вс'];

// "Иванова Мария Петровна" -> "Иванова М. П."
function shortName(full) {
  const [last, ...rest] = (full || '').split(/\s+/).filter(Boolean);
  return [last, ...rest.map((p) => `${p[0]}.`)].join(' ');
}

// `rights`: { keepers, cancellers } on the school page, { own } for a
// teacher of the class (the register): her own lessons repeated or
// cancelled. `loads(c)`: the class's running loads; `send(command)` writes
// (and has the page read what it shows again).
export function timetableDialog({ client, school, cls, rights, loads = () => [], send }) {
  let monday = mondayOf(todayIso());
  const own = !rights.keepers && Boolean(rights.own);
  const subjectName = (id) => school.subjects.find((s) => s.id === id)?.name || id;
  const title = h('p', { class: 'week-title', 'aria-live': 'polite' });
  const grid = h('div', { class: 'table-wrap week-grid-box' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const go = (days) => { monday = addDays(monday, days); show(); };
  const jump = h('input', {
    type: 'date', class: 'input', name: 'weekOf', 'aria-label': 'Неделя, содержащая дату',
    onchange: () => { if (jump.value) { monday = mondayOf(jump.value); show(); } },
  });
  // Each change reads the week again (and the page the school).
  const command = async (c) => {
    const accepted = await send(c);
    await show();
    return accepted;
  };
  const button = (text, onclick, cls = 'btn') => h('button', { type: 'button', class: cls, onclick }, text);
  const d = dialog(`Расписание ${cls.name}`,
    h('div', { class: 'week-nav' },
      button('‹ Неделя назад', () => go(-7), 'btn btn-small'), title, jump,
      button('Неделя вперёд ›', () => go(7), 'btn btn-small')),
    grid, error,
    h('div', { class: 'dialog-buttons' },
      rights.keepers ? button('Добавить урок…', () => keeperLessonDialog({ school, cls, loads: loads(cls), command, date: monday }), 'btn btn-primary') : null,
      rights.keepers || own ? button(own ? 'Повторить мои уроки этой недели…' : 'Повторить эту неделю…', () => repeatWeekDialog({
        school, classId: cls.classId, className: cls.name, own, command, week: monday,
      })) : null,
      rights.cancellers || own ? button(own ? 'Отменить мои уроки…' : 'Отменить уроки…', () => cancelLessonsDialog({
        classId: cls.classId, className: cls.name, own, command, from: monday,
      }), 'btn btn-danger') : null,
      button('Закрыть', () => d.close(), 'btn btn-ghost')));
  d.classList.add('timetable-dialog');

  async function show() {
    const asked = monday;
    try {
      const r = await client.request({ classWeek: { classId: cls.classId, date: asked } });
      if (asked !== monday) return;  // a later week was asked meanwhile
      error.hidden = true;
      render(r.classWeek);
    } catch (err) {
      error.textContent = err.message || 'Не удалось прочитать расписание';
      error.hidden = false;
    }
  }

  function render(week) {
    title.textContent = weekText(week.monday);
    jump.value = week.monday;
    const lessons = week.lessons || [];
    const days = lessons.some((l) => l.date === addDays(week.monday, 6)) ? 7 : 6;
    const numbers = Math.max(school.bells?.length || 0, ...lessons.map((l) => l.number));
    const at = (day, n) => lessons.filter((l) => l.date === addDays(week.monday, day) && l.number === n);
    const cell = (l) => h('div', {
      class: 'week-lesson' + (l.cancelled ? ' cancelled' : '') + (l.held ? ' held' : ''),
      dataset: { lesson: l.lessonId },
      title: l.cancelled ? 'Урок отменён' : (l.held ? 'Урок проведён' : ''),
    }, h('strong', {}, subjectName(l.subjectId)), l.subgroupId ? h('small', {}, ` группа ${l.subgroupId}`) : null,
    h('span', {}, shortName(l.teacherName)));
    clear(grid).append(...[numbers
      ? h('table', { class: 'table week-grid' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '№'),
          Array.from({ length: days }, (_, i) => h('th', { scope: 'col' }, `${WEEKDAYS[i]} ${addDays(week.monday, i).slice(8, 10)}`)))),
        h('tbody', {}, Array.from({ length: numbers }, (_, k) => h('tr', {},
          h('th', { scope: 'row' }, String(k + 1), school.bells?.[k] ? h('small', {}, school.bells[k]) : null),
          Array.from({ length: days }, (_, i) => h('td', {}, at(i, k + 1).map(cell)))))))
      : null,
    lessons.length ? null : h('p', { class: 'empty' }, 'В эту неделю у класса нет уроков.')].filter(Boolean));
  }

  show();
}
