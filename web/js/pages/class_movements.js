// The class page's dialogs that change who is in a class: the office
// (administrator, secretary) enrols a student, transfers one to another class
// of the school and records a departure; the office and the class teacher add
// a student's parent. Each sends its commands through the page's client and
// shows a refusal in place; the class list's subscription shows the change.
import { h } from '../dom.js';
import { commandDialog, newUserId } from '../dialogs.js';
import { todayIso } from '../format.js';

// The dialogs, over the page's client.
export function classMovements(client) {
  const dateInput = (name, value = todayIso()) => h('input', { type: 'date', class: 'input', name, required: true, value });
  const orderInput = () => h('input', {
    class: 'input', name: 'order', required: true, maxlength: 200, placeholder: '№ 12-у от 01.09.2026',
  });

  // A student's parent: one new to the journal (registerUser, then
  // linkGuardian; if the link is refused after the parent was registered,
  // the dialog keeps her id, so that sending again only links), or, for the
  // office (`office`), one the school's journal has already (a mother whose
  // other child is in another class): linkGuardian only. The office is told
  // when a new parent's name is already in the school's list.
  function parentDialog(person, roster, { office = false, classes = [] } = {}) {
    const fullName = h('input', { class: 'input', name: 'fullName', required: true, maxlength: 200, autocomplete: 'off', placeholder: 'Фамилия Имя Отчество' });
    const relation = h('select', { class: 'input', name: 'relation' },
      ['мать', 'отец', 'опекун', 'попечитель', 'бабушка', 'дедушка'].map((r) => h('option', { value: r }, r)));
    const parentId = newUserId(roster.schoolId, 'p');
    let registered = false;
    let parents = [];
    const className = (id) => classes.find((c) => c.classId === id)?.name || '';
    const describe = (p) => {
      const kids = (p.children || []).map((c) => [c.fullName.split(' ')[1] || c.fullName, className(c.classId)].filter(Boolean).join(', '));
      return kids.length ? `${p.fullName} (дети: ${kids.join('; ')})` : p.fullName;
    };
    const isNew = h('input', { type: 'radio', name: 'who', value: 'new', checked: true });
    const isKnown = h('input', { type: 'radio', name: 'who', value: 'known' });
    const search = h('input', { class: 'input', name: 'search', autocomplete: 'off', placeholder: 'Фамилия' });
    const known = h('select', { class: 'input', name: 'known', size: 6 });
    const namesake = h('p', { class: 'hint namesake', role: 'status', hidden: true });
    const newBox = h('div', { class: 'parent-new' }, h('label', {}, 'ФИО родителя', fullName), namesake);
    const knownBox = h('div', { class: 'parent-known', hidden: true },
      h('label', {}, 'Поиск по ФИО', search), h('label', {}, 'Родитель', known));
    const already = new Set((roster.students || []).find((s) => s.person.userId === person.userId)?.parents?.map((p) => p.person.userId) || []);
    const fill = () => {
      const q = search.value.trim().toLowerCase();
      const matches = parents.filter((p) => !already.has(p.userId) && (!q || p.fullName.toLowerCase().includes(q))).slice(0, 50);
      known.replaceChildren(...matches.map((p) => h('option', { value: p.userId }, describe(p))));
    };
    const mode = () => {
      const existing = isKnown.checked;
      newBox.hidden = existing;
      knownBox.hidden = !existing;
      fullName.required = !existing;
      (existing ? search : fullName).focus();
    };
    const checkNamesake = () => {
      const name = fullName.value.trim().replace(/\s+/g, ' ').toLowerCase();
      const same = name ? parents.filter((p) => p.fullName.toLowerCase() === name) : [];
      namesake.hidden = !same.length;
      namesake.textContent = same.length ? `В школе уже есть: ${same.map(describe).join('; ')}. Если это он(а), выберите «уже есть в журнале школы».` : '';
    };
    if (office) {
      client.request({ parents: '' }).then((r) => {
        parents = r.parents.parents || [];
        fill();
        checkNamesake();  // for a name typed before the list came
      }).catch(() => {});
      isNew.addEventListener('change', mode);
      isKnown.addEventListener('change', mode);
      search.addEventListener('input', fill);
      fullName.addEventListener('input', checkNamesake);
    }
    commandDialog(`Родитель ученика: ${person.fullName}`, {
      submitText: 'Добавить',
      fields: [
        h('p', { class: 'hint' }, 'Родитель появится в списке класса; доступ к дневнику выдаёт классный руководитель.'),
        office ? h('fieldset', { class: 'parent-choice' }, h('legend', {}, 'Родитель'),
          h('label', {}, isNew, ' новый в журнале'), h('label', {}, isKnown, ' уже есть в журнале школы (другой ребёнок учится здесь)')) : null,
        newBox,
        knownBox,
        h('label', {}, 'Кем приходится', relation),
      ],
      check: () => {
        if (isKnown.checked) return known.value ? null : 'Выберите родителя из списка.';
        return fullName.value.trim().split(/\s+/).length < 2 ? 'Укажите фамилию и имя.' : null;
      },
      send: async () => {
        if (isKnown.checked) {
          await client.command({ linkGuardian: { studentId: person.userId, parentId: known.value, relation: relation.value } });
          return;
        }
        if (!registered) {
          await client.command({ registerUser: {
            userId: parentId, schoolId: roster.schoolId, fullName: fullName.value.trim().replace(/\s+/g, ' '), roles: ['parent'],
          } });
          registered = true;
          fullName.disabled = true;
        }
        await client.command({ linkGuardian: { studentId: person.userId, parentId, relation: relation.value } });
      },
      done: () => `Родитель добавлен: ${isKnown.checked ? known.selectedOptions[0]?.textContent : fullName.value.trim()}`,
    });
    fullName.focus();
  }

  function enrolDialog(roster) {
    const fullName = h('input', { class: 'input', name: 'fullName', required: true, maxlength: 200, autocomplete: 'off', placeholder: 'Фамилия Имя Отчество' });
    const birth = h('input', { type: 'date', class: 'input', name: 'birthDate', required: true, max: todayIso() });
    const from = dateInput('from');
    const order = orderInput();
    const studentId = newUserId(roster.schoolId, 's');
    commandDialog(`Зачисление в ${roster.className}`, {
      submitText: 'Зачислить',
      fields: [
        h('label', {}, 'ФИО ученика', fullName),
        h('label', {}, 'Дата рождения', birth),
        h('label', {}, 'Зачислен(а) с', from),
        h('label', {}, 'Приказ о зачислении', order),
      ],
      check: () => (fullName.value.trim().split(/\s+/).length < 2 ? 'Укажите фамилию и имя.' : null),
      send: () => client.command({ enrollStudent: {
        studentId, schoolId: roster.schoolId, classId: roster.classId, fullName: fullName.value.trim().replace(/\s+/g, ' '),
        birthDate: birth.value, from: from.value, order: order.value.trim(),
      } }),
      done: () => `Зачислен(а): ${fullName.value.trim()}`,
    });
    fullName.focus();
  }

  function transferDialog(person, from, classes) {
    const targets = classes.filter((c) => c.classId !== from.classId);
    const to = h('select', { class: 'input', name: 'toClass', required: true },
      h('option', { value: '' }, '— выберите класс —'),
      targets.map((c) => h('option', { value: c.classId }, c.name)));
    const date = dateInput('date');
    const order = orderInput();
    commandDialog(`Перевод: ${person.fullName}`, {
      submitText: 'Перевести',
      fields: [
        h('p', {}, `Из класса ${from.className} в другой класс этой школы.`),
        h('label', {}, 'В класс', to),
        h('label', {}, 'Первый день в новом классе', date),
        h('label', {}, 'Приказ о переводе', order),
      ],
      check: () => (to.value ? null : 'Выберите класс.'),
      send: () => client.command({ transferStudent: {
        studentId: person.userId, fromClassId: from.classId, toClassId: to.value, date: date.value, order: order.value.trim(),
      } }),
      done: () => `Переведён(а): ${person.fullName}`,
    });
    to.focus();
  }

  function departDialog(person, roster) {
    const date = dateInput('date');
    const destination = h('input', { class: 'input', name: 'destination', required: true, maxlength: 200, placeholder: 'например, МАОУ СОШ № 5, г. Екатеринбург' });
    const order = orderInput();
    commandDialog(`Выбытие: ${person.fullName}`, {
      submitText: 'Оформить выбытие',
      danger: true,
      fields: [
        h('p', {}, `Ученик выбывает из школы (класс ${roster.className}). Его отметки и посещаемость остаются в журнале.`),
        h('label', {}, 'Выбывает с (первый день, когда ученика уже нет в школе)', date),
        h('label', {}, 'Куда выбывает', destination),
        h('label', {}, 'Приказ о выбытии', order),
      ],
      send: () => client.command({ departStudent: {
        studentId: person.userId, classId: roster.classId, date: date.value,
        destination: destination.value.trim(), order: order.value.trim(),
      } }),
      done: () => `Выбытие оформлено: ${person.fullName}`,
    });
    date.focus();
  }

  return { enrolDialog, transferDialog, departDialog, parentDialog };
}
