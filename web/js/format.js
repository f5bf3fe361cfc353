// Russian labels and formats for what the protocol sends: roles, marks,
// attendance codes, dates ("YYYY-MM-DD", school-local civil dates) and
// instants (UTC microseconds, shown in the browser's time zone).

export const ROLE_NAMES = {
  administrator: 'Администратор',
  director: 'Директор',
  deputyDirector: 'Заместитель директора',
  secretary: 'Секретарь',
  teacher: 'Учитель',
  student: 'Ученик',
  parent: 'Родитель',
  auditor: 'Проверяющий',
};

const NON_NUMERIC_SHORT = { pass: 'зач', fail: 'незач', notAssessed: 'н/а', exempt: 'осв' };
const NON_NUMERIC_LONG = { pass: 'зачёт', fail: 'незачёт', notAssessed: 'не аттестован', exempt: 'освобождён' };

export const ATTENDANCE_SHORT = { absent: 'Н', ill: 'Б', excused: 'У', late: 'ОП', present: '' };
export const ATTENDANCE_LONG = {
  absent: 'отсутствовал без уважительной причины',
  ill: 'болел',
  excused: 'отсутствовал по уважительной причине',
  late: 'опоздал',
  present: 'присутствовал',
};

// MarkValue {numeric: 5} | {nonNumeric: "pass"} -> "5" / "зач"
export function markText(value) {
  if (!value) return '';
  if (value.numeric !== undefined) return String(value.numeric);
  return NON_NUMERIC_SHORT[value.nonNumeric] || '?';
}

export function markLongText(value) {
  if (!value) return '';
  if (value.numeric !== undefined) return String(value.numeric);
  return NON_NUMERIC_LONG[value.nonNumeric] || '?';
}

// A CSS class for the mark's colour.
export function markClass(value) {
  if (value?.numeric !== undefined) return 'm' + value.numeric;
  return value?.nonNumeric === 'fail' ? 'm2' : 'mx';
}

export function sameValue(a, b) {
  return markText(a) === markText(b);
}

// Averages {count, simpleHundredths, weightedHundredths} -> "4,25" or "—"
export function hundredths(n, count = 1) {
  if (!count || !n) return '—';
  return (n / 100).toFixed(2).replace('.', ',');
}

export function parseDay(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d);
}

export function isoDay(date) {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

export function todayIso() {
  return isoDay(new Date());
}

export function addDays(iso, days) {
  const d = parseDay(iso);
  d.setDate(d.getDate() + days);
  return isoDay(d);
}

export function mondayOf(iso) {
  const d = parseDay(iso);
  const shift = (d.getDay() + 6) % 7;
  d.setDate(d.getDate() - shift);
  return isoDay(d);
}

const dayMonth = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'long' });
const weekdayLong = new Intl.DateTimeFormat('ru-RU', { weekday: 'long' });
const dateTime = new Intl.DateTimeFormat('ru-RU', {
  day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
const shortDateTime = new Intl.DateTimeFormat('ru-RU', {
  day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit',
});
const monthName = new Intl.DateTimeFormat('ru-RU', { month: 'long' });

// "2026-09-07" -> "07.09"
export function ddmm(iso) {
  return iso ? `${iso.slice(8, 10)}.${iso.slice(5, 7)}` : '';
}

// "2026-09-07" -> "07.09.2026"
export function ddmmyyyy(iso) {
  return iso ? `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}` : '';
}

// "2026-09-07" -> "7 сентября"
export function dayMonthText(iso) {
  return dayMonth.format(parseDay(iso));
}

// "2026-09-07" -> "понедельник"
export function weekdayText(iso) {
  return weekdayLong.format(parseDay(iso));
}

// "2026-09-07" -> "сентябрь"
export function monthText(iso) {
  return monthName.format(parseDay(iso));
}

// "1–7 сентября 2026" / "31 августа – 6 сентября 2026"
export function weekText(mondayIso) {
  const end = addDays(mondayIso, 6);
  const a = parseDay(mondayIso), b = parseDay(end);
  const year = b.getFullYear();
  if (a.getMonth() === b.getMonth()) return `${a.getDate()}–${dayMonth.format(b)} ${year}`;
  return `${dayMonth.format(a)} – ${dayMonth.format(b)} ${year}`;
}

// Int64 microseconds (a JSON string) -> Date
export function usToDate(us) {
  return new Date(Number(BigInt(us || 0) / 1000n));
}

export function dateTimeText(us) {
  return dateTime.format(usToDate(us));
}

export function shortDateTimeText(us) {
  return shortDateTime.format(usToDate(us));
}

// "1 отметка", "2 отметки", "5 отметок"
export function plural(n, one, few, many) {
  const m10 = n % 10, m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
  return many;
}
