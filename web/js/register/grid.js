// The register grid (students x lessons) with keyboard entry the way
// Дневник.ру and ЭлЖур work: arrows move, typing 1–5 (or Н, Б, У, ОП) puts a
// draft in the cell, Enter saves it and moves to the next student; Enter on
// an empty draft, Space or a click opens the cell's editor; Delete asks to
// cancel the cell's mark. The grid only reports intents; the page sends the
// commands and re-renders the grid from the next view.
import { h, clear } from '../dom.js';
import {
  ATTENDANCE_LONG, ATTENDANCE_SHORT, ddmm, hundredths, markClass, markLongText, markText,
  monthText, shortDateTimeText, todayIso, weekdayText,
} from '../format.js';
import { workTypeName } from '../catalogue.js';

// What a key types into a cell: marks by digit, absences by their letter in
// either keyboard layout (Н is on the Latin Y key, Б on the comma, У on E).
const KEY_DRAFTS = {
  1: '1', 2: '2', 3: '3', 4: '4', 5: '5',
  'н': 'Н', 'Н': 'Н', 'n': 'Н', 'N': 'Н',
  'б': 'Б', 'Б': 'Б', 'b': 'Б', 'B': 'Б',
  'у': 'У', 'У': 'У', 'u': 'У', 'U': 'У',
  'о': 'ОП', 'О': 'ОП', 'o': 'ОП', 'O': 'ОП',
};
const CODE_DRAFTS = { KeyY: 'Н', Comma: 'Б', KeyE: 'У', KeyJ: 'ОП' };

export const DRAFT_CODES = { 'Н': 'absent', 'Б': 'ill', 'У': 'excused', 'ОП': 'late' };

export class RegisterGrid {
  // handlers: onCommit(student, lesson, draft), onOpenCell(td, student, lesson, {keyboard}),
  // onDelete(td, student, lesson), onOpenLesson(lesson), onDraft()
  constructor(container, handlers) {
    this.container = container;
    this.handlers = handlers;
    this.view = null;
    this.focus = null;   // {studentId, lessonId}
    this.draft = null;   // {studentId, lessonId, text}
    this.pending = new Map();  // `${lessonId}|${studentId}` -> [{text, cls}]
    this.fresh = new Set();    // markIds / cell keys to highlight
    this.table = null;
  }

  render(view) {
    this.view = view;
    const hadFocus = this.table && this.table.contains(document.activeElement);
    const scroller = this.container.querySelector('.grid-scroll');
    const scroll = scroller ? [scroller.scrollLeft, scroller.scrollTop] : null;
    clear(this.container);
    if (!view.students?.length) {
      this.container.append(h('p', { class: 'empty card' }, 'В классе нет учеников в этом периоде.'));
      this.table = null;
      return;
    }
    if (!view.lessons?.length) {
      this.container.append(h('p', { class: 'empty card' }, 'В этом периоде уроков по предмету нет.'));
      this.table = null;
      return;
    }
    this.table = this.#table(view);
    const wrap = h('div', { class: 'grid-scroll' }, this.table);
    this.container.append(wrap);
    if (!this.focus || !this.#cell(this.focus.studentId, this.focus.lessonId)) {
      this.focus = this.#defaultFocus(view);
    }
    const td = this.focus && this.#cell(this.focus.studentId, this.focus.lessonId);
    if (scroll) {
      [wrap.scrollLeft, wrap.scrollTop] = scroll;
    } else if (td) {
      // A register opens at its latest lessons, as a paper one at its last page.
      const names = this.table.querySelector('tbody .col-name');
      wrap.scrollLeft = Math.max(0, td.offsetLeft - (names ? names.offsetLeft + names.offsetWidth : 0) -
        (wrap.clientWidth - (names ? names.offsetLeft + names.offsetWidth : 0)) / 2);
    }
    if (td) {
      td.tabIndex = 0;
      if (hadFocus) td.focus({ preventScroll: true });
    }
  }

  // The first student's cell in the last lesson up to today.
  #defaultFocus(view) {
    const today = todayIso();
    let col = 0;
    view.lessons.forEach((l, i) => { if (l.date <= today && !l.cancelled) col = i; });
    const student = view.students.find((s, i) => !s.cells?.[col]?.notEnrolled) || view.students[0];
    return { studentId: student.studentId, lessonId: view.lessons[col].lessonId };
  }

  #cell(studentId, lessonId) {
    return this.table?.querySelector(`td[data-student="${CSS.escape(studentId)}"][data-lesson="${CSS.escape(lessonId)}"]`);
  }

  cellElement(studentId, lessonId) {
    return this.#cell(studentId, lessonId);
  }

  #table(view) {
    const today = todayIso();
    // Subgroup lessons (a language group) are numbered in the header.
    const groups = [...new Set(view.lessons.map((l) => l.subgroupId).filter(Boolean))].sort();
    this.groupNumber = new Map(groups.map((g, i) => [g, i + 1]));
    const months = [];
    for (const l of view.lessons) {
      const m = l.date.slice(0, 7);
      if (months.length && months.at(-1).month === m) months.at(-1).span++;
      else months.push({ month: m, span: 1, first: l.date });
    }
    const monthRow = h('tr', { class: 'months' },
      h('th', { colspan: 2, class: 'sticky-col corner' }),
      months.map((m) => h('th', { colspan: m.span, scope: 'colgroup' }, monthText(m.first))),
      h('th', { colspan: 3, class: 'summary-head' }, 'Итоги'));
    const headRow = h('tr', { class: 'dates' },
      h('th', { scope: 'col', class: 'sticky-col col-num' }, '№'),
      h('th', { scope: 'col', class: 'sticky-col col-name' }, 'Ученик'),
      view.lessons.map((l) => this.#lessonHead(l, today)),
      h('th', { scope: 'col', class: 'num', title: 'Средний балл' }, 'Ср.'),
      h('th', { scope: 'col', class: 'num', title: 'Средневзвешенный балл' }, 'Взв.'),
      h('th', { scope: 'col', class: 'num', title: 'Отметка за период' }, 'Итог'));
    const rows = view.students.map((s, r) => h('tr', { class: s.left ? 'left' : null },
      h('td', { class: 'sticky-col col-num' }, r + 1),
      h('th', { scope: 'row', class: 'sticky-col col-name' }, s.fullName,
        s.left ? h('small', {}, ' выбыл') : null),
      view.lessons.map((l, c) => this.#cellTd(s, l, s.cells?.[c] || {})),
      h('td', { class: 'num avg' }, hundredths(s.averages?.simpleHundredths, s.averages?.count)),
      h('td', { class: 'num avg' }, hundredths(s.averages?.weightedHundredths, s.averages?.count)),
      h('td', { class: 'num' }, s.hasPeriodMark
        ? h('span', { class: 'mark ' + markClass(s.periodMark.value) }, markText(s.periodMark.value)) : '')));
    const table = h('table', {
      class: 'register', role: 'grid', 'aria-label': `Журнал: ${view.className}, ${view.subjectName}`,
      'aria-rowcount': view.students.length + 2,
    }, h('thead', {}, monthRow, headRow), h('tbody', {}, rows));
    table.addEventListener('keydown', (e) => this.#onKey(e));
    table.addEventListener('click', (e) => this.#onClick(e));
    table.addEventListener('focusin', (e) => {
      const td = e.target.closest('td[data-lesson]');
      if (td) this.#setFocus(td, false);
    });
    return table;
  }

  #lessonHead(l, today) {
    const classes = ['lesson-head'];
    const notes = [`${weekdayText(l.date)}, ${ddmm(l.date)}, ${l.number}-й урок`];
    const group = this.groupNumber.get(l.subgroupId);
    if (group) notes.push(`группа ${group}`);
    if (l.cancelled) {
      classes.push('cancelled');
      notes.push('урок отменён');
    } else if (!l.held && l.date <= today) {
      classes.push('no-topic');
      notes.push('тема не записана');
    }
    if (l.topic) notes.push('тема: ' + l.topic);
    if (l.homework) notes.push('д/з: ' + l.homework);
    if (l.homeworkLate) notes.push('задание внесено с опозданием');
    return h('th', { scope: 'col', class: l.date === today ? 'date today' : 'date' },
      h('button', {
        type: 'button', class: classes.join(' '), title: notes.join('; '), 'aria-label': notes.join('; '),
        onclick: () => this.handlers.onOpenLesson(l),
      }, l.date.slice(8, 10), group ? h('small', { class: 'group', 'aria-hidden': 'true' }, `г${group}`) : null,
      l.homework ? h('span', { class: 'hw-dot', 'aria-hidden': 'true' }) : null));
  }

  #cellTd(student, lesson, cell) {
    const key = `${lesson.lessonId}|${student.studentId}`;
    const classes = ['cell'];
    const parts = [];
    const labels = [];
    const editable = !cell.notEnrolled && !lesson.cancelled;
    if (cell.notEnrolled) classes.push('not-enrolled');
    if (lesson.cancelled) classes.push('cancelled');
    for (const m of cell.marks || []) {
      if (m.cancelled) continue;
      const mc = ['mark', markClass(m.value)];
      if (m.late) mc.push('late');
      if (m.corrected) mc.push('corrected');
      if (this.fresh.has(m.markId)) mc.push('is-new');
      const note = [markLongText(m.value), workTypeName(m.workTypeId)];
      if (m.weight > 1) note.push(`вес ${m.weight}`);
      if (m.late) note.push('внесена с опозданием');
      if (m.corrected) note.push('исправлена');
      note.push(shortDateTimeText(m.postedAtUs));
      labels.push(note.join(', '));
      parts.push(h('span', { class: mc.join(' '), title: note.join(', ') }, markText(m.value),
        m.weight > 1 ? h('sub', {}, m.weight) : null));
    }
    if (cell.attendance && cell.attendance !== 'present') {
      const ac = ['att'];
      if (cell.attendanceLate) ac.push('late');
      if (cell.attendanceCorrected) ac.push('corrected');
      const note = ATTENDANCE_LONG[cell.attendance] + (cell.attendanceLate ? ', внесено с опозданием' : '');
      labels.push(note);
      parts.push(h('span', { class: ac.join(' '), title: note }, ATTENDANCE_SHORT[cell.attendance]));
    }
    for (const p of this.pending.get(key) || []) {
      parts.push(h('span', { class: 'pending', title: 'Сохраняется…' }, p.text));
      labels.push(p.text + ' (сохраняется)');
    }
    if (this.draft && this.draft.studentId === student.studentId && this.draft.lessonId === lesson.lessonId) {
      parts.push(h('span', { class: 'draft' }, this.draft.text));
      labels.push('ввод: ' + this.draft.text);
    }
    if (this.fresh.has(key)) classes.push('is-new');
    return h('td', {
      class: classes.join(' '), role: 'gridcell', tabindex: -1,
      'aria-label': `${student.fullName}, ${ddmm(lesson.date)}: ${labels.join('; ') || 'пусто'}`,
      'aria-readonly': editable ? null : 'true',
      dataset: { student: student.studentId, lesson: lesson.lessonId, date: lesson.date },
    }, parts);
  }

  #position(td) {
    const row = td.parentElement;
    const r = [...row.parentElement.children].indexOf(row);
    const c = [...row.querySelectorAll('td[data-lesson]')].indexOf(td);
    return { r, c };
  }

  #at(r, c) {
    const row = this.table.tBodies[0].rows[r];
    return row ? row.querySelectorAll('td[data-lesson]')[c] : null;
  }

  #setFocus(td, move = true) {
    if (!td) return;
    for (const other of this.table.querySelectorAll('td[tabindex="0"]')) if (other !== td) other.tabIndex = -1;
    td.tabIndex = 0;
    this.focus = { studentId: td.dataset.student, lessonId: td.dataset.lesson };
    if (move) td.focus();
  }

  #setDraft(td, text) {
    this.draft = text ? { studentId: td.dataset.student, lessonId: td.dataset.lesson, text } : null;
    for (const old of this.table.querySelectorAll('.draft')) old.remove();
    if (text) td.append(h('span', { class: 'draft' }, text));
  }

  // The lesson and student objects of a cell.
  #context(td) {
    const student = this.view.students.find((s) => s.studentId === td.dataset.student);
    const index = this.view.lessons.findIndex((l) => l.lessonId === td.dataset.lesson);
    return { student, lesson: this.view.lessons[index], cell: student?.cells?.[index] || {} };
  }

  #editable(td) {
    return td && !td.classList.contains('not-enrolled') && !td.classList.contains('cancelled');
  }

  // The next cell down the column a teacher can write into.
  #below(td) {
    let { r, c } = this.#position(td);
    for (let next = this.#at(++r, c); next; next = this.#at(++r, c)) {
      if (this.#editable(next)) return next;
    }
    return null;
  }

  #onClick(e) {
    const td = e.target.closest('td[data-lesson]');
    if (!td) return;
    this.#setFocus(td);
    if (this.draft && (this.draft.studentId !== td.dataset.student || this.draft.lessonId !== td.dataset.lesson)) {
      this.#setDraft(td, null);
    }
    const { student, lesson } = this.#context(td);
    if (this.#editable(td)) this.handlers.onOpenCell(td, student, lesson, { keyboard: false });
  }

  #onKey(e) {
    const td = e.target.closest('td[data-lesson]');
    if (!td || e.altKey || e.ctrlKey || e.metaKey) return;
    const { r, c } = this.#position(td);
    const moves = { ArrowUp: [r - 1, c], ArrowDown: [r + 1, c], ArrowLeft: [r, c - 1], ArrowRight: [r, c + 1] };
    if (e.key === 'Home') moves.Home = [r, 0];
    if (e.key === 'End') moves.End = [r, this.view.lessons.length - 1];
    if (moves[e.key]) {
      const next = this.#at(...moves[e.key]);
      if (next) {
        this.#setDraft(td, null);
        this.#setFocus(next);
        this.handlers.onDraft?.();
      }
      e.preventDefault();
      return;
    }
    const typed = KEY_DRAFTS[e.key] || (e.key.length === 1 && CODE_DRAFTS[e.code]);
    if (typed) {
      if (!this.#editable(td)) return;
      this.#setDraft(td, typed);
      this.handlers.onDraft?.();
      e.preventDefault();
      return;
    }
    const { student, lesson } = this.#context(td);
    switch (e.key) {
      case 'Enter': {
        e.preventDefault();
        if (!this.#editable(td)) return;
        if (this.draft) {
          const draft = this.draft.text;
          this.#setDraft(td, null);
          this.handlers.onCommit(td, student, lesson, draft);
          const next = this.#below(td);
          if (next) this.#setFocus(next);
        } else {
          this.handlers.onOpenCell(td, student, lesson, { keyboard: true });
        }
        return;
      }
      case ' ':
      case 'F2':
        e.preventDefault();
        if (this.#editable(td)) this.handlers.onOpenCell(td, student, lesson, { keyboard: true });
        return;
      case 'Escape':
        this.#setDraft(td, null);
        this.handlers.onDraft?.();
        return;
      case 'Backspace':
        e.preventDefault();
        this.#setDraft(td, null);
        return;
      case 'Delete':
        e.preventDefault();
        if (this.#editable(td)) this.handlers.onDelete(td, student, lesson);
        return;
      default:
    }
  }

  focusCell(studentId, lessonId) {
    const td = this.#cell(studentId, lessonId);
    if (td) this.#setFocus(td);
  }
}
