// The school page's teaching loads (нагрузка): a teacher's assignments to a
// class and subject, with their dates. The administrator, the deputy and the
// secretary assign one (assignTeaching: the class, the subject, a group, from
// a date) and end one (endTeaching: the last day taught), e.g. when a teacher
// is replaced mid-year; the teachers' list import adds loads but never ends
// them. `send(command)` writes and has the page read the school again.
import { h } from '../dom.js';
import { newId } from '../client.js';
import { ddmmyyyy, todayIso } from '../format.js';
import { commandDialog, dialog } from '../dialogs.js';

export function loadsDialog({ member, school, send }) {
  const className = (id) => school.classes.find((c) => c.classId === id)?.name || id;
  const subjectName = (id) => school.subjects.find((s) => s.id === id)?.name || id;
  const today = todayIso();
  const running = (l) => !l.end || l.end >= today;
  const rows = (member.assignments || []).map((l) => h('tr', { dataset: { assignment: l.assignmentId } },
    h('th', { scope: 'row' }, className(l.classId)),
    h('td', {}, subjectName(l.subjectId), l.subgroupId ? h('small', {}, ` группа ${l.subgroupId}`) : null),
    h('td', {}, `с ${ddmmyyyy(l.start)}`, l.end ? ` по ${ddmmyyyy(l.end)}` : ''),
    h('td', { class: 'actions' }, running(l)
      ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => { d.close(); endDialog(l); } }, 'Снять…') : null)));
  const d = dialog(`Нагрузка: ${member.fullName}`,
    rows.length ? h('table', { class: 'table load-table' }, h('tbody', {}, rows)) : h('p', { class: 'empty' }, 'Нагрузки нет.'),
    h('div', { class: 'dialog-buttons' },
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => { d.close(); assignDialog(); } }, 'Назначить…'),
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => d.close() }, 'Закрыть')));

  function endDialog(l) {
    const end = h('input', { type: 'date', class: 'input', name: 'end', required: true, value: today });
    commandDialog(`Снять нагрузку: ${className(l.classId)}, ${subjectName(l.subjectId)}`, {
      submitText: 'Снять',
      danger: true,
      fields: [h('p', {}, `${member.fullName} ведёт ${subjectName(l.subjectId)} в ${className(l.classId)} до указанного дня включительно; её отметки и уроки остаются в журнале.`),
        h('label', {}, 'Последний день', end)],
      send: () => send({ endTeaching: { assignmentId: l.assignmentId, classId: l.classId, end: end.value } }),
      done: () => `Нагрузка снята: ${className(l.classId)}, ${subjectName(l.subjectId)}`,
    });
    end.focus();
  }

  function assignDialog() {
    const year = (school.years || []).find((y) => y.start <= today && today <= y.end) || (school.years || []).at(-1);
    const classes = school.classes.filter((c) => !year || c.yearId === year.yearId);
    const cls = h('select', { class: 'input', name: 'class', required: true },
      h('option', { value: '' }, '— класс —'), classes.map((c) => h('option', { value: c.classId }, c.name)));
    const subject = h('select', { class: 'input', name: 'subject', required: true },
      h('option', { value: '' }, '— предмет —'), school.subjects.filter((s) => !s.retired).map((s) => h('option', { value: s.id }, s.name)));
    const group = h('input', { class: 'input', name: 'subgroup', maxlength: 64, autocomplete: 'off', placeholder: 'весь класс' });
    const start = h('input', { type: 'date', class: 'input', name: 'start', required: true, value: year && today < year.start ? year.start : today });
    commandDialog(`Назначить нагрузку: ${member.fullName}`, {
      submitText: 'Назначить',
      fields: [h('label', {}, 'Класс', cls), h('label', {}, 'Предмет', subject),
        h('label', {}, 'Группа (код подгруппы; пусто — весь класс)', group), h('label', {}, 'С', start)],
      check: () => (cls.value && subject.value ? null : 'Выберите класс и предмет.'),
      send: () => send({ assignTeaching: {
        assignmentId: newId('a'), classId: cls.value, subgroupId: group.value.trim(), subjectId: subject.value,
        teacherId: member.userId, start: start.value, end: '',
      } }),
      done: () => `Нагрузка назначена: ${cls.selectedOptions[0].textContent}, ${subject.selectedOptions[0].textContent}`,
    });
    cls.focus();
  }
}
