// The school page's reference books: academic years with their periods and
// holidays, subjects, work types and classes, and the dialogs that change
// them, and each class's timetable (school_timetable.js). `send(command)`
// writes and has the page read the school again; `state.school` is the
// SchoolView, `state.staff` the staff list.
import { h } from '../dom.js';
import { ddmmyyyy, todayIso } from '../format.js';
import { commandDialog, latin } from '../dialogs.js';
import { hasRole } from '../session.js';
import { timetableDialog } from './school_timetable.js';

const KINDS = {
  quarters: { title: 'четверти', prefix: 'q', names: ['1 четверть', '2 четверть', '3 четверть', '4 четверть'] },
  trimesters: { title: 'триместры', prefix: 't', names: ['1 триместр', '2 триместр', '3 триместр'] },
  halves: { title: 'полугодия', prefix: 'h', names: ['1 полугодие', '2 полугодие'] },
};

// Typical dates of the periods of a year starting on 1 September of `y`
// (month-day, and whether it falls in the next calendar year); the
// administrator corrects them to the region's calendar.
const TYPICAL = {
  quarters: [['09-01', '10-26'], ['11-05', '12-28'], ['+01-12', '+03-22'], ['+03-31', '+05-31']],
  trimesters: [['09-01', '11-30'], ['12-01', '+02-28'], ['+03-01', '+05-31']],
  halves: [['09-01', '12-28'], ['+01-12', '+05-31']],
};

function typicalDay(y, md) {
  return md.startsWith('+') ? `${y + 1}-${md.slice(1)}` : `${y}-${md}`;
}

export function schoolBooks({ client, me, send, state }) {
  const admin = hasRole(me, 'administrator');
  const office = hasRole(me, 'administrator', 'secretary');
  const heads = hasRole(me, 'administrator', 'director', 'deputyDirector');
  // The timetable's keepers put lessons in for any teacher.
  const keepers = hasRole(me, 'administrator', 'deputyDirector', 'secretary');
  // ...and the heads of it cancel lessons (as cancelLesson: not the secretary).
  const cancellers = hasRole(me, 'administrator', 'deputyDirector');

  const card = (id, titleText, action, ...body) => h('section', { class: 'card school-book', id, 'aria-labelledby': id + '-title' },
    h('div', { class: 'section-head' }, h('h2', { id: id + '-title' }, titleText), action), ...body);
  const button = (text, onclick, cls = 'btn') => h('button', { type: 'button', class: cls, onclick }, text);
  const dateInput = (name, value) => h('input', { type: 'date', class: 'input', name, required: true, value });
  const textInput = (name, placeholder, value = '') => h('input', { class: 'input', name, required: true, maxlength: 200, autocomplete: 'off', placeholder, value });
  // An id made from a name, unique among `taken`.
  const idFrom = (name, taken) => {
    const base = latin(name).slice(0, 24) || 'x';
    let id = base;
    for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
    return id;
  };

  // The year that holds today, else the latest.
  function currentYear() {
    const years = state.school.years || [];
    const today = todayIso();
    return years.find((y) => y.start <= today && today <= y.end) || years[years.length - 1] || null;
  }

  // ---- academic years ----

  function periodRow(p) {
    const actions = [];
    if (!p.closed && heads) actions.push(button('Закрыть…', () => closeDialog(p), 'btn btn-small'));
    if (p.closed && admin) actions.push(button('Открыть снова…', () => reopenDialog(p), 'btn btn-small'));
    return h('tr', { dataset: { period: p.periodId } },
      h('th', { scope: 'row' }, p.name),
      h('td', {}, `${ddmmyyyy(p.start)} – ${ddmmyyyy(p.end)}`),
      h('td', { class: p.closed ? 'period-closed' : 'period-open' }, p.closed ? 'закрыт' : 'открыт'),
      heads ? h('td', { class: 'actions' }, actions) : null);
  }

  function yearBlock(y) {
    const periods = (state.school.periods || []).filter((p) => p.yearId === y.yearId);
    return h('div', { class: 'school-year', dataset: { year: y.yearId } },
      h('h3', {}, `${y.name}: ${ddmmyyyy(y.start)} – ${ddmmyyyy(y.end)}`),
      h('table', { class: 'table period-table' }, h('tbody', {}, periods.map(periodRow))),
      h('p', { class: 'holidays' }, h('strong', {}, 'Каникулы: '),
        (y.holidays || []).length
          ? (y.holidays || []).map((d) => `${d.name} ${ddmmyyyy(d.start)} – ${ddmmyyyy(d.end)}`).join('; ')
          : 'не объявлены',
        admin ? [' ', button('Объявить каникулы…', () => holidayDialog(y), 'btn btn-small')] : null));
  }

  function yearDialog() {
    const years = state.school.years || [];
    const now = new Date();
    const start = years.length
      ? Number(years[years.length - 1].start.slice(0, 4)) + 1
      : now.getMonth() >= 6 ? now.getFullYear() : now.getFullYear() - 1;
    const name = textInput('name', '2026/2027', `${start}/${start + 1}`);
    const from = dateInput('start', `${start}-09-01`);
    const to = dateInput('end', `${start + 1}-05-31`);
    const kind = h('select', { class: 'input', name: 'periodKind' },
      Object.entries(KINDS).map(([k, v]) => h('option', { value: k }, v.title)));
    const periodsBox = h('div', { class: 'period-fields' });
    let inputs = [];
    const fillPeriods = () => {
      const k = kind.value;
      inputs = KINDS[k].names.map((n, i) => ({
        name: textInput(`period${i}`, n, n),
        start: dateInput(`period${i}Start`, typicalDay(start, TYPICAL[k][i][0])),
        end: dateInput(`period${i}End`, typicalDay(start, TYPICAL[k][i][1])),
      }));
      periodsBox.replaceChildren(...inputs.map((p) => h('div', { class: 'period-field' }, p.name, p.start, p.end)));
    };
    kind.addEventListener('change', fillPeriods);
    fillPeriods();
    const yearId = `${me.schoolId}-y${start}`;
    commandDialog('Новый учебный год', {
      submitText: 'Открыть учебный год',
      fields: [
        h('label', {}, 'Название', name),
        h('label', {}, 'Начало', from),
        h('label', {}, 'Конец', to),
        h('label', {}, 'Учебные периоды', kind),
        h('p', { class: 'hint' }, 'Даты периодов заполнены типовыми; исправьте их по календарному графику школы.'),
        periodsBox,
      ],
      send: () => send({ openAcademicYear: {
        schoolId: me.schoolId, yearId, name: name.value.trim(), start: from.value, end: to.value, periodKind: kind.value,
        periods: inputs.map((p, i) => ({
          periodId: `${yearId}-${KINDS[kind.value].prefix}${i + 1}`, name: p.name.value.trim(), start: p.start.value, end: p.end.value,
        })),
      } }),
      done: () => `Учебный год ${name.value.trim()} открыт`,
    });
    name.focus();
  }

  function holidayDialog(y) {
    const name = textInput('name', 'Осенние каникулы');
    const from = dateInput('start', '');
    const to = dateInput('end', '');
    commandDialog(`Каникулы, ${y.name}`, {
      submitText: 'Объявить',
      fields: [h('label', {}, 'Название', name), h('label', {}, 'Первый день', from), h('label', {}, 'Последний день', to),
        h('p', { class: 'hint' }, 'В каникулы уроки не ставятся в расписание.')],
      send: () => send({ declareHoliday: { schoolId: me.schoolId, yearId: y.yearId, start: from.value, end: to.value, name: name.value.trim() } }),
      done: () => `Каникулы объявлены: ${name.value.trim()}`,
    });
    name.focus();
  }

  function closeDialog(p) {
    commandDialog(`Закрыть период: ${p.name}?`, {
      submitText: 'Закрыть период',
      danger: true,
      fields: [h('p', {}, 'Отметки и посещаемость этого периода больше нельзя будет вносить и исправлять. Открыть период снова может только администратор, с указанием причины.')],
      send: () => send({ closePeriod: { schoolId: me.schoolId, periodId: p.periodId } }),
      done: () => `Период закрыт: ${p.name}`,
    });
  }

  function reopenDialog(p) {
    const reason = h('input', { class: 'input', name: 'reason', maxlength: 500, 'aria-required': 'true' });
    commandDialog(`Открыть снова: ${p.name}`, {
      submitText: 'Открыть период',
      fields: [h('label', {}, 'Причина', reason)],
      check: () => (reason.value.trim() ? null : 'Укажите причину.'),
      send: () => send({ reopenPeriod: { schoolId: me.schoolId, periodId: p.periodId, reason: reason.value.trim() } }),
      done: () => `Период открыт снова: ${p.name}`,
    });
    reason.focus();
  }

  // ---- subjects and work types ----

  // A new subject, or an existing one renamed (everywhere, its past
  // lessons included).
  function subjectDialog(existing) {
    const name = textInput('name', 'Математика', existing?.name || '');
    commandDialog(existing ? `Предмет: ${existing.name}` : 'Новый предмет', {
      submitText: existing ? 'Переименовать' : 'Добавить',
      fields: [h('label', {}, 'Название предмета', name),
        existing ? h('p', { class: 'hint' }, 'Новое название будет показано везде, в том числе в прошедших уроках.') : null],
      send: () => {
        const taken = (state.school.subjects || []).map((s) => s.id);
        const subjectId = existing ? existing.id : idFrom(name.value.trim(), taken);
        return send({ defineSubject: { schoolId: me.schoolId, subjectId, name: name.value.trim(), retired: !!existing?.retired } });
      },
      done: () => (existing ? `Предмет переименован: ${name.value.trim()}` : `Предмет добавлен: ${name.value.trim()}`),
    });
    name.focus();
  }

  // Retires a subject or a work type (nothing new of it; what it has stays
  // and shows) or brings it back: `entry` is the SchoolView's, `command`
  // the definition with the new `retired`.
  function retireDialog(kind, entry, command) {
    const retire = !entry.retired;
    const what = kind === 'subject' ? 'Предмет' : 'Вид работы';
    commandDialog(`${what}: ${entry.name}`, {
      submitText: retire ? 'Вывести из употребления' : 'Вернуть в употребление',
      fields: [h('p', { class: 'hint' }, retire
        ? (kind === 'subject'
          ? 'Новые назначения и уроки по предмету станут невозможны. Проведённые уроки, отметки и нагрузка сохранятся и останутся видны.'
          : 'Новые отметки этого вида станут невозможны. Поставленные отметки сохранятся с прежним весом.')
        : 'Предмет или вид работы снова можно будет выбирать.')],
      send: () => send(command(retire)),
      done: () => `${what} «${entry.name}» ${retire ? 'выведен из употребления' : 'возвращён в употребление'}`,
    });
  }
  const retireSubject = (x) => retireDialog('subject', x,
    (retired) => ({ defineSubject: { schoolId: me.schoolId, subjectId: x.id, name: x.name, retired } }));
  const retireWorkType = (w) => retireDialog('workType', w,
    (retired) => ({ defineWorkType: { schoolId: me.schoolId, workTypeId: w.workTypeId, name: w.name, weight: w.weight, retired } }));
  const retiredMark = (entry) => (entry.retired ? h('small', { class: 'retired-mark' }, 'выведен из употребления') : null);

  function workTypeDialog(existing) {
    const name = textInput('name', 'Контрольная работа', existing?.name || '');
    const weight = h('input', { type: 'number', class: 'input', name: 'weight', required: true, min: 1, max: 10, value: existing?.weight || 1 });
    commandDialog(existing ? `Вид работы: ${existing.name}` : 'Новый вид работы', {
      submitText: existing ? 'Сохранить' : 'Добавить',
      fields: [h('label', {}, 'Название', name), h('label', {}, 'Вес отметки (1–10)', weight),
        existing ? h('p', { class: 'hint' }, 'Новые название и вес действуют для отметок, поставленных после изменения.') : null],
      send: () => {
        const taken = (state.school.workTypes || []).map((w) => w.workTypeId);
        const workTypeId = existing ? existing.workTypeId : idFrom(name.value.trim(), taken);
        return send({ defineWorkType: { schoolId: me.schoolId, workTypeId, name: name.value.trim(), weight: Number(weight.value), retired: !!existing?.retired } });
      },
      done: () => `Вид работы сохранён: ${name.value.trim()}`,
    });
    name.focus();
  }

  // ---- classes ----

  function classDialog(year) {
    const grade = h('select', { class: 'input', name: 'grade' },
      Array.from({ length: 11 }, (_, i) => h('option', { value: i + 1 }, String(i + 1))));
    const letter = h('input', { class: 'input', name: 'letter', required: true, maxlength: 8, autocomplete: 'off', placeholder: 'А' });
    commandDialog(`Новый класс, ${year.name}`, {
      submitText: 'Открыть класс',
      fields: [h('label', {}, 'Параллель', grade), h('label', {}, 'Буква', letter),
        h('p', { class: 'hint' }, 'В первых классах отметки не ставятся.')],
      send: () => {
        const l = letter.value.trim().toUpperCase();
        const classId = `${me.schoolId}-${year.start.slice(0, 4)}-${grade.value}${latin(l) || 'x'}`;
        return send({ openClass: { classId, schoolId: me.schoolId, yearId: year.yearId, grade: Number(grade.value), letter: l } });
      },
      done: () => `Класс открыт: ${grade.value}${letter.value.trim().toUpperCase()}`,
    });
    letter.focus();
  }

  function classTeacherDialog(c) {
    const teachers = state.staff.filter((m) => (m.roles || []).includes('teacher'));
    const teacher = h('select', { class: 'input', name: 'teacher', required: true },
      h('option', { value: '' }, '— выберите учителя —'),
      teachers.map((t) => h('option', { value: t.userId, selected: t.userId === c.classTeacherId }, t.fullName)));
    commandDialog(`Классный руководитель ${c.name}`, {
      submitText: 'Назначить',
      fields: [h('label', {}, 'Учитель', teacher),
        teachers.length ? null : h('p', { class: 'hint' }, 'В школе нет учителей: сначала добавьте их в списке сотрудников.')],
      check: () => (teacher.value ? null : 'Выберите учителя.'),
      send: () => send({ assignClassTeacher: { classId: c.classId, teacherId: teacher.value } }),
      done: () => `Классный руководитель ${c.name} назначен`,
    });
    teacher.focus();
  }

  // The class's loads running today or later, of subjects in use, for a
  // keeper's lesson.
  function classLoads(c) {
    const today = todayIso();
    const retired = new Set((state.school.subjects || []).filter((x) => x.retired).map((x) => x.id));
    return state.staff.flatMap((m) => (m.assignments || [])
      .filter((a) => a.classId === c.classId && (!a.end || a.end >= today) && !retired.has(a.subjectId))
      .map((a) => ({ teacherId: m.userId, teacherName: m.fullName, subjectId: a.subjectId, subgroupId: a.subgroupId })))
      .sort((a, b) => a.subjectId.localeCompare(b.subjectId, 'ru') || a.teacherName.localeCompare(b.teacherName, 'ru'));
  }

  function classActions(c) {
    return h('td', { class: 'actions' },
      office ? button('Классный руководитель…', () => classTeacherDialog(c), 'btn btn-small') : null,
      button('Расписание…', () => timetableDialog({
        client, school: state.school, cls: c, rights: { keepers, cancellers }, loads: classLoads, send,
      }), 'btn btn-small'));
  }

  // ---- rendering ----

  function render() {
    // Subjects by name (the school view lists them by id).
    const s = { ...state.school, subjects: [...(state.school.subjects || [])].sort((a, b) => a.name.localeCompare(b.name, 'ru')) };
    const year = currentYear();
    const staffName = (id) => state.staff.find((m) => m.userId === id)?.fullName || '';
    const classes = year ? (s.classes || []).filter((c) => c.yearId === year.yearId) : [];
    return [
      card('years', 'Учебный год', admin ? button('Открыть учебный год…', yearDialog, 'btn btn-primary') : null,
        (s.years || []).length ? (s.years || []).map(yearBlock)
          : h('p', { class: 'empty' }, 'Учебный год не открыт: без него нельзя открыть классы и вести журнал.')),
      card('subjects', 'Предметы', admin ? button('Добавить предмет…', () => subjectDialog(null), 'btn') : null,
        (s.subjects || []).length
          ? (admin
            ? h('table', { class: 'table subject-table' },
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Предмет'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Действия')))),
              h('tbody', {}, s.subjects.map((x) => h('tr', { dataset: { subject: x.id }, class: x.retired ? 'retired' : '' },
                h('th', { scope: 'row' }, x.name, retiredMark(x)),
                h('td', { class: 'actions' }, button('Переименовать…', () => subjectDialog(x), 'btn btn-small'),
                  button(x.retired ? 'Вернуть…' : 'Вывести…', () => retireSubject(x), 'btn btn-small'))))))
            : h('ul', { class: 'book-list' }, s.subjects.map((x) => h('li', { dataset: { subject: x.id }, class: x.retired ? 'retired' : '' },
              x.name, retiredMark(x)))))
          : h('p', { class: 'empty' }, 'Предметы не заданы.')),
      card('work-types', 'Виды работ', admin ? button('Добавить вид работы…', () => workTypeDialog(null), 'btn') : null,
        (s.workTypes || []).length
          ? h('table', { class: 'table work-type-table' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Вид работы'), h('th', { scope: 'col' }, 'Вес'), admin ? h('th', { scope: 'col' }) : null)),
            h('tbody', {}, s.workTypes.map((w) => h('tr', { dataset: { workType: w.workTypeId }, class: w.retired ? 'retired' : '' },
              h('th', { scope: 'row' }, w.name, retiredMark(w)), h('td', {}, String(w.weight)),
              admin ? h('td', { class: 'actions' }, button('Изменить…', () => workTypeDialog(w), 'btn btn-small'),
                button(w.retired ? 'Вернуть…' : 'Вывести…', () => retireWorkType(w), 'btn btn-small')) : null))))
          : h('p', { class: 'empty' }, 'Виды работ не заданы: без них отметки не ставятся.')),
      card('classes', year ? `Классы, ${year.name}` : 'Классы', office && year ? button('Открыть класс…', () => classDialog(year), 'btn') : null,
        classes.length
          ? h('table', { class: 'table class-table' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Класс'), h('th', { scope: 'col' }, 'Классный руководитель'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Действия')))),
            h('tbody', {}, classes.map((c) => h('tr', { dataset: { class: c.classId } },
              h('th', { scope: 'row' }, h('a', { href: `class.html?class=${encodeURIComponent(c.classId)}` }, c.name)),
              h('td', {}, staffName(c.classTeacherId) || 'не назначен'),
              classActions(c)))))
          : h('p', { class: 'empty' }, year ? 'Классы не открыты. Их можно открыть здесь или импортом списков (zhurnal import).' : 'Сначала откройте учебный год.')),
    ];
  }

  return { render };
}
