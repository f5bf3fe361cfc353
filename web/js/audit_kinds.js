// The auditor's timeline filters: groups of event types by what happened,
// and whether an event is a correction (shown highlighted).
export const KIND_GROUPS = {
  marks: { name: 'Отметки', types: ['MarkPosted', 'MarkCorrected', 'MarkCancelled', 'FinalMarkSet'] },
  fixes: {
    name: 'Исправления и отмены',
    types: ['MarkCorrected', 'MarkCancelled', 'AttendanceCorrected', 'LessonMoved', 'LessonCancelled',
      'PeriodReopened', 'CredentialsRevoked'],
  },
  attendance: { name: 'Посещаемость', types: ['AttendanceRecorded', 'AttendanceCorrected'] },
  lessons: {
    name: 'Уроки и задания',
    types: ['LessonScheduled', 'LessonHeld', 'LessonTopicChanged', 'LessonMoved', 'LessonCancelled', 'HomeworkAssigned'],
  },
  people: {
    name: 'Ученики, учителя и доступ',
    types: ['UserRegistered', 'RolesChanged', 'CredentialsIssued', 'CredentialsRevoked', 'UserSignedIn',
      'ConsentRecorded', 'GuardianLinked', 'StudentEnrolled', 'StudentTransferred', 'StudentDeparted',
      'ClassOpened', 'SubgroupDefined', 'ClassTeacherAssigned', 'TeachingAssigned', 'TeachingEnded'],
  },
  messages: { name: 'Замечания и сообщения', types: ['StudentCommented', 'StudentMessageSent', 'ClassMessageSent'] },
};

const CORRECTIONS = new Set(KIND_GROUPS.fixes.types);

export function isCorrection(type) {
  return CORRECTIONS.has(type);
}

// filter: '' (everything), 'g:<group>' or 't:<EventType>'.
export function matchesKind(type, filter) {
  if (!filter) return true;
  if (filter.startsWith('g:')) return KIND_GROUPS[filter.slice(2)]?.types.includes(type) ?? false;
  if (filter.startsWith('t:')) return type === filter.slice(2);
  return true;
}
