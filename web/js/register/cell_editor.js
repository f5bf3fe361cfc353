// The cell editor: a small panel next to a register cell to put a mark (with
// its work type and a comment) or an absence code, and to correct or cancel
// what is there — a correction or cancellation always asks for the reason.
// It reports intents through `actions`; the page sends the commands.
import { h, clear } from '../dom.js';
import {
  ATTENDANCE_LONG, ATTENDANCE_SHORT, ddmm, markClass, markLongText, markText, shortDateTimeText,
} from '../format.js';
import { workTypeName } from '../catalogue.js';

const NUMERIC = [5, 4, 3, 2, 1];
const NON_NUMERIC = [['pass', 'зачёт'], ['fail', 'незачёт'], ['notAssessed', 'н/а'], ['exempt', 'осв']];
const CODES = ['absent', 'ill', 'excused', 'late'];

export function valueFromDraft(text) {
  return /^[1-5]$/.test(text) ? { numeric: Number(text) } : null;
}

export class CellEditor {
  // actions: post(value, workTypeId, comment), correct(mark, value, reason),
  // cancel(mark, reason), record(code), correctAttendance(code, reason),
  // workTypes() -> [{workTypeId, name, weight}], workTypeId() -> current id,
  // setWorkType(id), close(td)
  constructor(actions) {
    this.actions = actions;
    this.panel = h('div', { class: 'cell-editor', role: 'dialog', 'aria-modal': 'false', hidden: true });
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.close(true);
      }
    });
    document.body.append(this.panel);
    document.addEventListener('pointerdown', (e) => {
      if (this.panel.hidden || this.panel.contains(e.target) || this.td?.contains(e.target)) return;
      this.close(false);
    });
    window.addEventListener('resize', () => this.close(false));
    this.td = null;
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  // mode: 'new' | {correct: mark, value} | {cancel: mark} | {attendance: code}
  open(td, ctx, { keyboard = false, mode = 'new' } = {}) {
    this.td = td;
    this.ctx = ctx;
    this.render(mode);
    this.panel.hidden = false;
    this.place();
    if (keyboard || mode !== 'new') {
      const first = this.panel.querySelector('textarea') || this.panel.querySelector('button.value-btn') ||
        this.panel.querySelector('.ce-section button');
      first?.focus();
    }
  }

  close(returnFocus) {
    if (this.panel.hidden) return;
    this.panel.hidden = true;
    const td = this.td;
    this.td = null;
    if (returnFocus && td?.isConnected) td.focus();
  }

  // Keeps the panel by its cell after the grid re-rendered.
  reattach(td) {
    if (!this.isOpen || !td) return;
    this.td = td;
    this.place();
  }

  place() {
    const r = this.td.getBoundingClientRect();
    const p = this.panel;
    const width = p.offsetWidth, height = p.offsetHeight;
    let left = r.right + 8;
    if (left + width > window.innerWidth - 8) left = Math.max(8, r.left - width - 8);
    let top = Math.min(r.top, window.innerHeight - height - 8);
    top = Math.max(8, top);
    p.style.left = `${left + window.scrollX}px`;
    p.style.top = `${top + window.scrollY}px`;
  }

  render(mode) {
    const { student, lesson, cell, grade } = this.ctx;
    const title = `${student.fullName} · ${ddmm(lesson.date)}, ${lesson.number}-й урок`;
    const headingId = 'cell-editor-title';
    this.panel.setAttribute('aria-labelledby', headingId);
    clear(this.panel).append(
      h('div', { class: 'ce-head' },
        h('strong', { id: headingId }, title),
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Закрыть', onclick: () => this.close(true) }, '×')));
    if (mode.correct || mode.cancel) return this.#reasonForm(mode);
    if (mode.attendance) return this.#attendanceForm(mode.attendance);

    const marks = (cell.marks || []);
    if (marks.length) {
      this.panel.append(h('ul', { class: 'ce-marks' }, marks.map((m) => h('li', { class: m.cancelled ? 'cancelled' : null },
        h('span', { class: 'mark ' + markClass(m.value) }, markText(m.value)),
        h('span', { class: 'ce-mark-info' }, [
          workTypeName(m.workTypeId) + (m.weight > 1 ? `, вес ${m.weight}` : ''),
          shortDateTimeText(m.postedAtUs) + (m.late ? ', с опозданием' : ''),
          m.corrected ? 'исправлена' : '', m.cancelled ? 'отменена' : '',
          m.comment ? `«${m.comment}»` : '',
        ].filter(Boolean).join(' · ')),
        m.cancelled ? null : h('span', { class: 'ce-mark-actions' },
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.render({ correct: m }) }, 'Исправить'),
          h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => this.render({ cancel: m }) }, 'Отменить'))))));
    }

    if (grade !== 1) {
      const comment = h('input', { class: 'input', type: 'text', maxlength: 200, placeholder: 'Комментарий (необязательно)', 'aria-label': 'Комментарий к отметке' });
      const workType = this.#workTypeSelect();
      const post = (value) => this.actions.post(value, workType.value, comment.value.trim());
      this.panel.append(
        h('div', { class: 'ce-section' },
          h('div', { class: 'ce-label' }, marks.some((m) => !m.cancelled) ? 'Ещё одна отметка' : 'Отметка'),
          h('div', { class: 'value-row' },
            NUMERIC.map((v) => h('button', {
              type: 'button', class: `value-btn mark m${v}`, 'aria-label': `Поставить ${v}`, onclick: () => post({ numeric: v }),
            }, String(v))),
            NON_NUMERIC.map(([v, label]) => h('button', {
              type: 'button', class: 'value-btn small', onclick: () => post({ nonNumeric: v }),
            }, label))),
          h('label', { class: 'ce-field' }, h('span', {}, 'Вид работы'), workType),
          comment));
    } else {
      this.panel.append(h('p', { class: 'hint' }, 'В 1 классе отметки не ставятся (безотметочное обучение).'));
    }

    const hasAttendance = cell.attendance && cell.attendance !== 'present' || cell.attendanceCorrected;
    this.panel.append(h('div', { class: 'ce-section' },
      h('div', { class: 'ce-label' }, 'Посещаемость'),
      hasAttendance
        ? h('div', { class: 'ce-att' },
          h('span', {}, cell.attendance === 'present' ? 'присутствовал (исправлено)'
            : `${ATTENDANCE_SHORT[cell.attendance]} — ${ATTENDANCE_LONG[cell.attendance]}${cell.attendanceLate ? ', внесено с опозданием' : ''}`),
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.render({ attendance: cell.attendance }) }, 'Исправить'))
        : h('div', { class: 'value-row' }, CODES.map((code) => h('button', {
          type: 'button', class: 'value-btn att', title: ATTENDANCE_LONG[code], 'aria-label': ATTENDANCE_LONG[code],
          onclick: () => this.actions.record(code),
        }, ATTENDANCE_SHORT[code])))));
    this.panel.append(h('p', { class: 'hint' }, 'С клавиатуры: 1–5, Н, Б, У, ОП и Enter.'));
  }

  #workTypeSelect() {
    const current = this.actions.workTypeId();
    return h('select', { class: 'input', onchange: (e) => this.actions.setWorkType(e.target.value) },
      this.actions.workTypes().map((w) => h('option', { value: w.workTypeId, selected: w.workTypeId === current },
        `${w.name}${w.weight > 1 ? ` (вес ${w.weight})` : ''}`)));
  }

  // Correct or cancel a mark: the new value (for a correction) and the reason.
  #reasonForm(mode) {
    const mark = mode.correct || mode.cancel;
    let value = mode.value || null;
    const reason = h('textarea', { class: 'input', rows: 2, required: true, maxlength: 300, id: 'ce-reason' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const buttons = [];
    if (mode.correct) {
      const choose = (v, btn) => {
        value = v;
        for (const b of buttons) b.setAttribute('aria-pressed', String(b === btn));
      };
      for (const v of NUMERIC) {
        const btn = h('button', { type: 'button', class: `value-btn mark m${v}`, 'aria-pressed': String(value?.numeric === v) }, String(v));
        btn.onclick = () => choose({ numeric: v }, btn);
        buttons.push(btn);
      }
      for (const [v, label] of NON_NUMERIC) {
        const btn = h('button', { type: 'button', class: 'value-btn small', 'aria-pressed': String(value?.nonNumeric === v) }, label);
        btn.onclick = () => choose({ nonNumeric: v }, btn);
        buttons.push(btn);
      }
    }
    const submit = (e) => {
      e.preventDefault();
      if (mode.correct && !value) return this.#fail(error, 'Выберите новую отметку.');
      if (!reason.value.trim()) return this.#fail(error, 'Укажите причину — она сохраняется в истории журнала.');
      if (mode.correct) this.actions.correct(mark, value, reason.value.trim());
      else this.actions.cancel(mark, reason.value.trim());
    };
    this.panel.append(h('form', { class: 'ce-section', novalidate: true, onsubmit: submit },
      h('div', { class: 'ce-label' }, mode.correct
        ? `Исправление отметки ${markLongText(mark.value)}`
        : `Отмена отметки ${markLongText(mark.value)}`),
      mode.correct ? h('div', { class: 'value-row' }, buttons) : null,
      h('label', { for: 'ce-reason', class: 'ce-label' }, 'Причина'),
      reason,
      error,
      h('div', { class: 'ce-buttons' },
        h('button', { type: 'submit', class: mode.cancel ? 'btn btn-danger' : 'btn btn-primary' },
          mode.correct ? 'Исправить' : 'Отменить отметку'),
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => this.render('new') }, 'Назад'))));
    setTimeout(() => reason.focus(), 0);
  }

  #attendanceForm(current) {
    let code = current;
    const reason = h('textarea', { class: 'input', rows: 2, required: true, maxlength: 300, id: 'ce-reason' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const buttons = [];
    for (const c of [...CODES, 'present']) {
      const btn = h('button', {
        type: 'button', class: 'value-btn att' + (c === 'present' ? ' wide' : ''), 'aria-pressed': String(c === code),
        title: ATTENDANCE_LONG[c],
      }, c === 'present' ? 'был' : ATTENDANCE_SHORT[c]);
      btn.onclick = () => {
        code = c;
        for (const b of buttons) b.setAttribute('aria-pressed', String(b === btn));
      };
      buttons.push(btn);
    }
    const submit = (e) => {
      e.preventDefault();
      if (code === this.ctx.cell.attendance) return this.#fail(error, 'Выберите другой код.');
      if (!reason.value.trim()) return this.#fail(error, 'Укажите причину исправления.');
      this.actions.correctAttendance(code, reason.value.trim());
    };
    this.panel.append(h('form', { class: 'ce-section', novalidate: true, onsubmit: submit },
      h('div', { class: 'ce-label' }, 'Исправление посещаемости'),
      h('div', { class: 'value-row' }, buttons),
      h('label', { for: 'ce-reason', class: 'ce-label' }, 'Причина (например, справка)'),
      reason,
      error,
      h('div', { class: 'ce-buttons' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, 'Исправить'),
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => this.render('new') }, 'Назад'))));
    setTimeout(() => reason.focus(), 0);
  }

  #fail(box, text) {
    box.textContent = text;
    box.hidden = false;
  }
}
