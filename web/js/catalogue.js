// Reference data the protocol does not send yet.
//
// Work types: marks carry a workTypeId and the weight it had, but no request
// lists the school's work types (WorkTypeDefined is in the school's stream,
// which only the auditor's log shows). Until one does, this is the reference
// book `zhurnal serve --demo` defines (demo/internal/curriculum.cpp); ids seen
// in a register but missing here are shown by id with the weight they carry.
export const WORK_TYPES = [
  { id: 'classwork', name: 'Работа на уроке', weight: 1 },
  { id: 'oral', name: 'Ответ на уроке', weight: 1 },
  { id: 'homework', name: 'Домашняя работа', weight: 1 },
  { id: 'independent', name: 'Самостоятельная работа', weight: 2 },
  { id: 'test', name: 'Контрольная работа', weight: 3 },
  { id: 'dictation', name: 'Диктант', weight: 3 },
  { id: 'essay', name: 'Сочинение', weight: 3 },
  { id: 'practical', name: 'Практическая работа', weight: 2 },
  { id: 'lab', name: 'Лабораторная работа', weight: 2 },
  { id: 'norms', name: 'Сдача нормативов', weight: 2 },
  { id: 'creative', name: 'Творческая работа', weight: 1 },
];

const byId = new Map(WORK_TYPES.map((w) => [w.id, w]));

export function workTypeName(id) {
  return byId.get(id)?.name || id || 'без вида работы';
}

// The work types to offer: the reference book plus any id a view showed.
export function workTypesWith(seen) {
  const list = [...WORK_TYPES];
  for (const [id, weight] of seen) {
    if (!byId.has(id)) list.push({ id, name: id, weight });
  }
  return list;
}
