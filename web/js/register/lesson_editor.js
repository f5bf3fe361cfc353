// The lesson dialog: the lesson's topic (the first topic marks the lesson as
// held) and its homework with the due date. The page sends the commands;
// the dialog stays open with the server's message when one is refused.
import { h, clear } from '../dom.js';
import { addDays, ddmmyyyy, weekdayText } from '../format.js';

export class LessonEditor {
  // save(lesson, {topic, homework, due}) -> Promise (rejects with a ProtocolError)
  constructor(save) {
    this.save = save;
    this.dialog = h('dialog', { class: 'lesson-dialog', 'aria-labelledby': 'lesson-dialog-title' });
    document.body.append(this.dialog);
  }

  open(lesson, view) {
    const later = view.lessons.filter((l) => l.date > lesson.date && !l.cancelled);
    const defaultDue = lesson.homeworkDue || later[0]?.date || addDays(lesson.date, 7);
    const topic = h('input', { class: 'input', id: 'lesson-topic', value: lesson.topic || '', maxlength: 300, required: true });
    const homework = h('textarea', { class: 'input', id: 'lesson-hw', rows: 3, maxlength: 1000 }, lesson.homework || '');
    const due = h('input', { class: 'input', id: 'lesson-due', type: 'date', value: defaultDue, min: lesson.date });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Сохранить');
    const status = [];
    if (lesson.cancelled) status.push('урок отменён');
    else status.push(lesson.held ? 'урок проведён' : 'урок ещё не отмечен проведённым');
    if (lesson.homeworkLate) status.push('задание внесено с опозданием');

    const form = h('form', {
      method: 'dialog',
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        error.hidden = true;
        submit.disabled = true;
        try {
          await this.save(lesson, { topic: topic.value.trim(), homework: homework.value.trim(), due: due.value });
          this.dialog.close();
        } catch (err) {
          error.textContent = err.message;
          error.hidden = false;
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', { id: 'lesson-dialog-title' },
      `${view.subjectName}, ${view.className}: ${weekdayText(lesson.date)} ${ddmmyyyy(lesson.date)}, ${lesson.number}-й урок`),
    h('p', { class: 'hint' }, status.join(' · ')),
    h('label', { for: 'lesson-topic' }, 'Тема урока'),
    topic,
    h('label', { for: 'lesson-hw' }, 'Домашнее задание'),
    homework,
    h('label', { for: 'lesson-due' }, 'Сдать к'),
    due,
    error,
    h('div', { class: 'dialog-buttons' },
      submit,
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => this.dialog.close() }, 'Закрыть')));
    clear(this.dialog).append(form);
    this.dialog.showModal();
    topic.focus();
  }
}
