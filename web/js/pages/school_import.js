// The school page's import of the secretary's lists (docs/import.md): the
// students' and the teachers' CSV files as Excel saves them, checked by the
// server first (a dry run: the report, nothing written), then written with
// «Записать» once the check found no errors. The files go as their bytes
// (base64), so a Windows-1251 list arrives as it is, in a POST /import
// rather than over the WebSocket, whose frames (256 KiB) a large school's
// list outgrows. What a write changes on the page (teachers, classes) comes
// back through the page's live subscription.
import { requestOverHttp } from '../client.js';
import { h } from '../dom.js';
import { todayIso } from '../format.js';

// The server takes an /import body of up to 8 MiB; base64 makes the files a
// third larger.
const MAX_BYTES = 6 * 1000 * 1000;

async function base64Of(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function schoolImport() {
  const students = h('input', { type: 'file', name: 'students', accept: '.csv,text/csv' });
  const teachers = h('input', { type: 'file', name: 'teachers', accept: '.csv,text/csv' });
  const date = h('input', { type: 'date', class: 'input', name: 'date', value: todayIso() });
  const openClasses = h('input', { type: 'checkbox', name: 'openClasses' });
  const check = h('button', { type: 'button', class: 'btn', onclick: () => run(false) }, 'Проверить');
  const write = h('button', { type: 'button', class: 'btn btn-primary', disabled: true, onclick: () => run(true) }, 'Записать');
  const verdict = h('p', { class: 'import-verdict', role: 'status' });
  const report = h('pre', { class: 'import-report', hidden: true });
  // Writing is offered only for what was just checked without errors.
  const changed = () => { write.disabled = true; };
  for (const input of [students, teachers, date, openClasses]) input.addEventListener('change', changed);

  async function run(apply) {
    const files = [[students, 'students'], [teachers, 'teachers']].filter(([input]) => input.files[0]);
    if (!files.length) {
      verdict.textContent = 'Выберите файл списка учеников или учителей.';
      return;
    }
    const total = files.reduce((n, [input]) => n + input.files[0].size, 0);
    if (total > MAX_BYTES) {
      verdict.textContent = `Файлы больше ${MAX_BYTES / 1e6} МБ: загрузите их по частям (например, по параллелям) или командой zhurnal import на сервере.`;
      return;
    }
    check.disabled = write.disabled = true;
    verdict.textContent = apply ? 'Записываем…' : 'Проверяем…';
    try {
      const query = { date: date.value, openClasses: openClasses.checked, apply };
      for (const [input, field] of files) query[field] = { name: input.files[0].name, base64: await base64Of(input.files[0]) };
      const result = (await requestOverHttp('import', { importLists: query })).importLists;
      report.textContent = result.report;
      report.hidden = false;
      const code = result.exitCode;
      verdict.className = 'import-verdict ' + (code === 0 ? 'import-ok' : 'import-errors');
      verdict.textContent = code === 1 ? 'В списках есть ошибки: ничего не записано. Исправьте строки, указанные ниже, и проверьте снова.'
        : code === 3 ? 'Запись остановлена: журнал отклонил команду (см. ниже). Записанное до неё сохранено; повторная загрузка продолжит.'
          : apply ? 'Списки записаны.' : 'Ошибок нет. Проверьте отчёт и нажмите «Записать».';
      write.disabled = apply || code !== 0;
    } catch (err) {
      verdict.className = 'import-verdict import-errors';
      verdict.textContent = err.message || 'Не удалось загрузить списки';
    } finally {
      check.disabled = false;
    }
  }

  return h('section', { class: 'card school-book school-import', id: 'import', 'aria-labelledby': 'import-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'import-title' }, 'Списки учеников и учителей')),
    h('p', { class: 'hint' }, 'Файлы CSV из Excel («CSV (разделители — точка с запятой)»). Ученики: Фамилия, Имя, Отчество, Дата рождения, Класс, Дата зачисления, Приказ. Учителя: Фамилия, Имя, Отчество, Предметы, Классы, Классный руководитель. Сначала списки проверяются: ничего не записывается, пока вы не нажмёте «Записать».'),
    h('div', { class: 'import-fields' },
      h('label', {}, 'Ученики', students),
      h('label', {}, 'Учителя', teachers),
      h('label', {}, 'Дата вступления в силу', date),
      h('label', { class: 'import-check' }, openClasses, ' открыть классы, которых ещё нет в учебном году')),
    h('div', { class: 'dialog-buttons' }, check, write),
    verdict, report);
}
