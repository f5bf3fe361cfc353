// Putting lessons into a class's timetable. «Добавить урок…» in the register:
// a teacher schedules a lesson of her own (scheduleLesson: a date and the
// lesson's number in the school's bell schedule, within her teaching
// assignment of the class and subject); the school page's «Урок…» does the
// same for a timetable keeper, for any teacher with a load in the class.
// «Повторить неделю…» (both pages) fills the following weeks from one week
// already set (repeatWeek); «Отменить уроки…» clears a span of days
// (cancelLessons). Both are offered in a class's timetable
// (pages/school_timetable.js). The register's subscription then shows the new
// columns; a click on a date records the topic, and marks go in once the
// lesson has begun.
import { h } from '../dom.js';
import { newId } from '../client.js';
import { ddmmyyyy, todayIso } from '../format.js';
import { commandDialog } from '../dialogs.js';

// The user's assignments for the register's class and subject.
export function ownAssignments(me, sel) {
  return (me.assignments || []).filter((a) => a.classId === sel?.classId && a.subjectId === sel?.subjectId);
}

// The lesson number, as the school's bell schedule names it.
function numberSelect(school) {
  const bells = school.bells?.length ? school.bells : ['', '', '', '', '', '', ''];
  return h('select', { class: 'input', name: 'number' },
    bells.map((start, i) => h('option', { value: i + 1 }, start ? `${i + 1} урок, ${start}` : `${i + 1} урок`)));
}

const groupText = (g) => (g ? `группа ${g}` : 'весь класс');

// How many events one accepted command wrote (they are contiguous).
const eventsWritten = (accepted) => Number(BigInt(accepted.lastPosition) - BigInt(accepted.firstPosition)) + 1;

export function scheduleDialog(client, { me, sel, school, className, subjectName, inPeriod }) {
  const assignments = ownAssignments(me, sel);
  const date = h('input', { type: 'date', class: 'input', name: 'date', required: true, value: todayIso() });
  const number = numberSelect(school);
  const groups = [...new Set(assignments.map((a) => a.subgroupId))];
  const group = h('select', { class: 'input', name: 'subgroup' },
    groups.map((g) => h('option', { value: g }, groupText(g))));
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
    done: () => (inPeriod(date.value) ? `Урок добавлен: ${ddmmyyyy(date.value)}`
      : 'Урок добавлен в другой учебный период: выберите его, чтобы увидеть урок'),
  });
  date.focus();
}

// A timetable keeper's lesson for any load of the class: `loads` are
// {teacherId, teacherName, subjectId, subgroupId} running today or later.
export function keeperLessonDialog({ school, cls, loads, command, date: day = todayIso() }) {
  const subjectName = (id) => school.subjects.find((s) => s.id === id)?.name || id;
  const load = h('select', { class: 'input', name: 'load', required: true },
    h('option', { value: '' }, '— предмет и учитель —'),
    loads.map((l, i) => h('option', { value: String(i) },
      `${subjectName(l.subjectId)}${l.subgroupId ? ` (${groupText(l.subgroupId)})` : ''} — ${l.teacherName}`)));
  const date = h('input', { type: 'date', class: 'input', name: 'date', required: true, value: day });
  const number = numberSelect(school);
  commandDialog(`Новый урок: ${cls.name}`, {
    submitText: 'Добавить урок',
    fields: [
      h('label', {}, 'Предмет, учитель', load),
      loads.length ? null : h('p', { class: 'hint' }, 'У класса нет нагрузки: назначьте её учителям в списке сотрудников («Нагрузка…»).'),
      h('label', {}, 'Дата', date),
      h('label', {}, 'Урок по расписанию звонков', number),
    ],
    check: () => (load.value ? null : 'Выберите предмет и учителя.'),
    send: () => {
      const l = loads[Number(load.value)];
      return command({ scheduleLesson: {
        lessonId: newId('l'), classId: cls.classId, subgroupId: l.subgroupId || '', subjectId: l.subjectId,
        teacherId: l.teacherId, date: date.value, number: Number(number.value),
      } });
    },
    done: () => `Урок добавлен: ${cls.name}, ${ddmmyyyy(date.value)}`,
  });
  load.focus();
}

// «Повторить неделю…»: the lessons of one week of the class (every lesson for
// a keeper, her own for a teacher) put at the same weekday and number into
// each following week up to a day, in one command. The journal skips
// holidays, closed periods, slots the class already has a lesson in and days
// past a teacher's load, and refuses when nothing is left to add.
export function repeatWeekDialog({ school, classId, className, own, command, week: day = todayIso() }) {
  const week = h('input', { type: 'date', class: 'input', name: 'week', required: true, value: day });
  const period = (school.periods || []).find((p) => p.start <= day && day <= p.end);
  const until = h('input', { type: 'date', class: 'input', name: 'until', required: true, value: period?.end || '' });
  let added = 0;
  commandDialog(`Повторить неделю: ${className}`, {
    submitText: 'Заполнить расписание',
    fields: [
      h('p', {}, own
        ? 'Ваши уроки в этом классе за выбранную неделю встанут в те же дни недели и под теми же номерами в каждую следующую неделю.'
        : 'Все уроки класса за выбранную неделю встанут в те же дни недели и под теми же номерами в каждую следующую неделю.'),
      h('label', {}, 'Неделя (любой её день)', week),
      h('label', {}, 'Заполнить по (включительно)', until),
      h('p', { class: 'hint' }, 'Каникулы, закрытые периоды, уже занятые места в расписании и дни после окончания нагрузки учителя пропускаются.'),
    ],
    check: () => (until.value && until.value > week.value ? null : 'Дата окончания должна быть позже выбранной недели.'),
    send: async () => {
      added = eventsWritten(await command({ repeatWeek: { classId, date: week.value, until: until.value, lessonIdPrefix: newId('l') } }));
    },
    done: () => `Добавлено уроков: ${added} (по ${ddmmyyyy(until.value)})`,
  });
  week.focus();
}

// «Отменить уроки…»: a class's lessons in a span of days cancelled with a
// reason in one command (cancelLessons), e.g. the weeks of an old timetable
// before a new week is repeated into them. The journal keeps the lessons
// that took place (held, or with marks or attendance) and those in a closed
// period, and refuses when nothing is left to cancel.
export function cancelLessonsDialog({ classId, className, own = false, command, from: day = todayIso() }) {
  const from = h('input', { type: 'date', class: 'input', name: 'from', required: true, value: day });
  const until = h('input', { type: 'date', class: 'input', name: 'until', required: true });
  const reason = h('input', { class: 'input', name: 'reason', required: true, maxlength: 500, autocomplete: 'off', placeholder: 'Новое расписание с 12.01' });
  let count = 0;
  commandDialog(`Отменить уроки: ${className}`, {
    submitText: 'Отменить уроки',
    danger: true,
    fields: [
      h('p', {}, own ? 'Ваши уроки в этом классе в эти дни будут отменены с указанной причиной; они останутся в истории журнала. Проведённые уроки и уроки с отметками или посещаемостью не отменяются.'
        : 'Уроки класса в эти дни будут отменены с указанной причиной; они останутся в истории журнала. Проведённые уроки и уроки с отметками или посещаемостью не отменяются.'),
      h('label', {}, 'С', from),
      h('label', {}, 'По (включительно)', until),
      h('label', {}, 'Причина', reason),
    ],
    check: () => (until.value && until.value >= from.value ? null : 'Дата окончания раньше даты начала.'),
    send: async () => {
      count = eventsWritten(await command({ cancelLessons: { classId, from: from.value, until: until.value, reason: reason.value.trim() } }));
    },
    done: () => `Отменено уроков: ${count}`,
  });
  from.focus();
}
