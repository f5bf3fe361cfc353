// The log's events in words: Russian names of the event types and a
// one-line summary of each payload, with names resolved through a reference
// built from the events themselves (registrations, classes, subjects,
// lessons), since the protocol sends only ids.
import { ATTENDANCE_SHORT, ddmm, ddmmyyyy, markLongText } from './format.js';
import { workTypeName } from './catalogue.js';

export const EVENT_TYPES = {
  SchoolRegistered: 'Регистрация школы',
  AcademicYearOpened: 'Открытие учебного года',
  HolidayDeclared: 'Каникулы',
  SubjectDefined: 'Предмет',
  WorkTypeDefined: 'Вид работы',
  PeriodClosed: 'Закрытие периода',
  PeriodReopened: 'Открытие периода',
  MonthSignedOff: 'Проверка за месяц',
  UserRegistered: 'Регистрация пользователя',
  RolesChanged: 'Изменение ролей',
  CredentialsIssued: 'Выдача доступа',
  CredentialsRevoked: 'Отзыв доступа',
  UserSignedIn: 'Вход в систему',
  ConsentRecorded: 'Согласие на обработку ПДн',
  ClassOpened: 'Открытие класса',
  SubgroupDefined: 'Группа класса',
  ClassTeacherAssigned: 'Классный руководитель',
  TeachingAssigned: 'Назначение нагрузки',
  TeachingEnded: 'Окончание нагрузки',
  ClassMessageSent: 'Сообщение классу',
  StudentEnrolled: 'Зачисление',
  StudentTransferred: 'Перевод',
  StudentDeparted: 'Выбытие',
  GuardianLinked: 'Привязка родителя',
  StudentCommented: 'Замечание',
  StudentMessageSent: 'Сообщение родителям',
  FinalMarkSet: 'Итоговая отметка',
  LessonScheduled: 'Урок в расписании',
  LessonHeld: 'Урок проведён',
  LessonTopicChanged: 'Изменение темы',
  LessonMoved: 'Перенос урока',
  LessonCancelled: 'Отмена урока',
  MarkPosted: 'Отметка',
  MarkCorrected: 'Исправление отметки',
  MarkCancelled: 'Отмена отметки',
  AttendanceRecorded: 'Посещаемость',
  AttendanceCorrected: 'Исправление посещаемости',
  HomeworkAssigned: 'Домашнее задание',
};

const KINDS = {
  'k-mark': ['MarkPosted', 'FinalMarkSet'],
  'k-fix': ['MarkCorrected', 'MarkCancelled', 'AttendanceCorrected', 'LessonMoved', 'LessonCancelled',
    'PeriodReopened', 'CredentialsRevoked'],
  'k-att': ['AttendanceRecorded'],
  'k-lesson': ['LessonScheduled', 'LessonHeld', 'LessonTopicChanged', 'HomeworkAssigned'],
  'k-access': ['UserRegistered', 'RolesChanged', 'CredentialsIssued', 'UserSignedIn', 'ConsentRecorded',
    'GuardianLinked'],
};

export function eventKind(type) {
  for (const [kind, types] of Object.entries(KINDS)) if (types.includes(type)) return kind;
  return '';
}

// The payload's one member: {"markPosted": {...}} -> {...}
export function payloadBody(event) {
  try {
    const p = JSON.parse(event.payload);
    return p && typeof p === 'object' ? Object.values(p)[0] || {} : {};
  } catch {
    return {};
  }
}

// Names and descriptions learnt from the events seen so far.
export class Reference {
  constructor() {
    this.people = new Map([['system', 'Система']]);
    this.subjects = new Map();
    this.classes = new Map();
    this.lessons = new Map();
    this.marks = new Map();   // markId -> studentId (for corrections)
  }

  learn(event) {
    const p = payloadBody(event);
    switch (event.eventType) {
      case 'UserRegistered': this.people.set(p.userId, p.fullName); break;
      case 'StudentEnrolled': this.people.set(p.studentId, p.fullName); break;
      case 'SubjectDefined': this.subjects.set(p.subjectId, p.name); break;
      case 'ClassOpened': this.classes.set(p.classId, `${p.grade}${p.letter}`); break;
      case 'LessonScheduled': this.lessons.set(p.lessonId, { classId: p.classId, subjectId: p.subjectId, date: p.date, number: p.number }); break;
      case 'LessonMoved': {
        const l = this.lessons.get(p.lessonId);
        if (l) Object.assign(l, { date: p.date, number: p.number });
        break;
      }
      default:
    }
  }

  person(id) {
    return this.people.get(id) || id || '—';
  }

  // "Иванова М. П." for an actor column.
  short(id) {
    const full = this.people.get(id);
    if (!full) return id || '—';
    const [last, first, middle] = full.split(' ');
    if (!first) return full;
    return `${last} ${first[0]}.${middle ? ` ${middle[0]}.` : ''}`;
  }

  klass(id) {
    return this.classes.get(id) || id;
  }

  subject(id) {
    return this.subjects.get(id) || id;
  }

  lesson(id) {
    const l = this.lessons.get(id);
    if (!l) return `урок ${id}`;
    return `${this.klass(l.classId)}, ${this.subject(l.subjectId)}, ${ddmm(l.date)} (${l.number}-й урок)`;
  }
}

function late(t) {
  if (!t?.late) return '';
  const s = Number(t.delaySeconds || 0);
  const days = Math.floor(s / 86400), hours = Math.floor((s % 86400) / 3600), minutes = Math.floor((s % 3600) / 60);
  if (days) return ` · с опозданием ${days} дн. ${hours} ч`;
  return ` · с опозданием ${hours ? `${hours} ч ` : ''}${minutes} мин`;
}

const ROLE = {
  administrator: 'администратор', director: 'директор', deputyDirector: 'завуч', secretary: 'секретарь',
  teacher: 'учитель', student: 'ученик', parent: 'родитель', auditor: 'проверяющий',
};

export function summary(event, ref) {
  const p = payloadBody(event);
  const who = (id) => ref.person(id);
  switch (event.eventType) {
    case 'SchoolRegistered': return `${p.name}, ${p.timeZone}`;
    case 'AcademicYearOpened': return `${p.name}: ${(p.periods || []).map((x) => x.name).join(', ')}`;
    case 'HolidayDeclared': return `${p.name}: ${ddmmyyyy(p.start)} – ${ddmmyyyy(p.end)}`;
    case 'SubjectDefined': return p.name;
    case 'WorkTypeDefined': return `${p.name}, вес ${p.weight}`;
    case 'PeriodClosed': return `период ${p.periodId}`;
    case 'PeriodReopened': return `период ${p.periodId}; причина: ${p.reason}`;
    case 'MonthSignedOff': return `${p.month}${p.comment ? `: ${p.comment}` : ''}`;
    case 'UserRegistered': return `${p.fullName} (${(p.roles || []).map((r) => ROLE[r] || r).join(', ')})`;
    case 'RolesChanged': return `${who(p.userId)}: ${(p.roles || []).map((r) => ROLE[r] || r).join(', ')}`;
    case 'CredentialsIssued': return `${who(p.userId)}, логин ${p.login}`;
    case 'CredentialsRevoked': return `${who(p.userId)}; причина: ${p.reason}`;
    case 'UserSignedIn': return `${who(p.userId)} (${ROLE[p.role] || p.role})`;
    case 'ConsentRecorded': return `${who(p.userId)}: ${p.given ? 'согласие дано' : 'согласие отозвано'}${p.documentDate ? ` ${ddmmyyyy(p.documentDate)}` : ''}`;
    case 'ClassOpened': return `${p.grade}${p.letter}`;
    case 'SubgroupDefined': return `${ref.klass(p.classId)}: ${p.name}, ${(p.studentIds || []).length} уч.`;
    case 'ClassTeacherAssigned': return `${ref.klass(p.classId)}: ${who(p.teacherId)}`;
    case 'TeachingAssigned': return `${who(p.teacherId)}: ${ref.klass(p.classId)}, ${ref.subject(p.subjectId)}${p.subgroupId ? ` (группа ${p.subgroupId})` : ''} с ${ddmmyyyy(p.start)}`;
    case 'TeachingEnded': return `${ref.klass(p.classId)}, нагрузка ${p.assignmentId} до ${ddmmyyyy(p.end)}`;
    case 'ClassMessageSent': return `${ref.klass(p.classId)}: «${p.text}»`;
    case 'StudentEnrolled': return `${p.fullName} в ${ref.klass(p.classId)} с ${ddmmyyyy(p.from)}${p.order ? `, ${p.order}` : ''}`;
    case 'StudentTransferred': return `${who(p.studentId)}: ${ref.klass(p.fromClassId)} → ${ref.klass(p.toClassId)} с ${ddmmyyyy(p.date)}`;
    case 'StudentDeparted': return `${who(p.studentId)} из ${ref.klass(p.classId)} с ${ddmmyyyy(p.date)}${p.destination ? `, ${p.destination}` : ''}`;
    case 'GuardianLinked': return `${who(p.parentId)} (${p.relation}) — ${who(p.studentId)}`;
    case 'StudentCommented': return `${who(p.studentId)}: «${p.text}»`;
    case 'StudentMessageSent': return `родителям ${who(p.studentId)}: «${p.text}»`;
    case 'FinalMarkSet': return `${who(p.studentId)}, ${ref.subject(p.subjectId)}: ${markLongText(p.value)}${p.reason ? `; причина: ${p.reason}` : ''}`;
    case 'LessonScheduled': return `${ref.klass(p.classId)}, ${ref.subject(p.subjectId)}, ${ddmmyyyy(p.date)}, ${p.number}-й урок, ${who(p.teacherId)}`;
    case 'LessonHeld': return `${ref.lesson(p.lessonId)}: «${p.topic}»`;
    case 'LessonTopicChanged': return `${ref.lesson(p.lessonId)}: «${p.topic}»`;
    case 'LessonMoved': return `${p.lessonId} → ${ddmmyyyy(p.date)}, ${p.number}-й урок; причина: ${p.reason}`;
    case 'LessonCancelled': return `${ref.lesson(p.lessonId)}; причина: ${p.reason}`;
    case 'MarkPosted': return `${markLongText(p.value)} (${workTypeName(p.workTypeId)}, вес ${p.weight}) — ${who(p.studentId)}, ${ref.lesson(p.lessonId)}${late(p.timeliness)}`;
    case 'MarkCorrected': return `${markLongText(p.previous)} → ${markLongText(p.value)} — ${who(p.studentId)}, ${ref.lesson(p.lessonId)}; причина: ${p.reason}${late(p.timeliness)}`;
    case 'MarkCancelled': return `${markLongText(p.previous)} отменена — ${who(p.studentId)}, ${ref.lesson(p.lessonId)}; причина: ${p.reason}`;
    case 'AttendanceRecorded': return `${ATTENDANCE_SHORT[p.code] || p.code} — ${who(p.studentId)}, ${ref.lesson(p.lessonId)}${late(p.timeliness)}`;
    case 'AttendanceCorrected': return `${ATTENDANCE_SHORT[p.previous] || 'был'} → ${ATTENDANCE_SHORT[p.code] || 'был'} — ${who(p.studentId)}, ${ref.lesson(p.lessonId)}; причина: ${p.reason}`;
    case 'HomeworkAssigned': return `${ref.lesson(p.lessonId)}: «${p.text}» к ${ddmm(p.dueDate)}${late(p.timeliness)}`;
    default: return Object.entries(p).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
  }
}
