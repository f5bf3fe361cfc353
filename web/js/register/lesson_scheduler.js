// «Добавить урок…» in the register: a teacher puts a lesson of her own into
// the class's timetable (scheduleLesson: a date and the lesson's number in
// the school's bell schedule, within her teaching assignment of the class
// and subject). The register's subscription then shows its column; a click
// on its date records the topic, and marks go in once the lesson has begun.
import { h } from '../dom.js';
import { newId } from '../client.js';
import { todayIso } from '../format.js';
import { commandDialog } from '../dialogs.js';

// The user's assignments for the register's class and subject.
export function ownAssignments(me, sel) {
  return (me.assignments || []).filter((a) => a.classId === sel?.classId && a.subjectId === sel?.subjectId);
}

export function scheduleDialog(client, { me, sel, school, className, subjectName, inPeriod }) {
  const assignments = ownAssignments(me, sel);
  const date = h('input', { type: 'date', class: 'input', name: 'date', required: true, value: todayIso() });
  const bells = school.bells?.length ? school.bells : ['', '', '', '', '', '', ''];
  const number = h('select', { class: 'input', name: 'number' },
    bells.map((start, i) => h('option', { value: i + 1 }, start ? `${i + 1} урок, ${start}` : `${i + 1} урок`)));
  const groups = [...new Set(assignments.map((a) => a.subgroupId))];
  const group = h('select', { class: 'input', name: 'subgroup' },
    groups.map((g) => h('option', { value: g }, g ? `группа ${g}` : 'весь класс')));
  commandDialog(`Новый урок: ${className}, ${subjectName}`, {
    submitText: 'Добавить урок',
    fields: [
      h('label', {}, 'Дата', date),
      h('label', {}, 'Урок по расписанию звонков', number),
      groups.length > 1 ? h('label', {}, 'Кто на уроке', group) : null,
      h('p', { class: 'hint' }, 'Урок появится в журнале и в дневниках учеников. Отметки ставятся, когда урок начался.'),
    ],
    send: () => client.command({ scheduleLesson: {
      lessonId: newId('l'), classId: sel.classId, subgroupId: groups.length > 1 ? group.value : (groups[0] || ''),
      subjectId: sel.subjectId, teacherId: me.userId, date: date.value, number: Number(number.value),
    } }),
    done: () => (inPeriod(date.value) ? `Урок добавлен: ${date.value.split('-').reverse().join('.')}`
      : 'Урок добавлен в другой учебный период: выберите его, чтобы увидеть урок'),
  });
  date.focus();
}
