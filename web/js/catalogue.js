// The school's reference books from the `school` request (SchoolView:
// periods, subjects, work types, classes), loaded once per page and kept in
// sessionStorage for the tab so that later pages have the names at once.
// workTypeName() answers from what was loaded last (the id until then).

const CACHE = 'zhurnal.school.';

let current = null;   // the SchoolView loaded last
const loading = new Map();  // school id -> Promise<SchoolView>

// Keeps a view (loaded, or a `school` push) for this page and the next ones.
export function rememberSchool(view) {
  current = view;
  try {
    sessionStorage.setItem(CACHE + view.schoolId, JSON.stringify(view));
    sessionStorage.setItem(CACHE + 'last', view.schoolId);
  } catch {
    // A full storage only costs a request.
  }
}

try {
  const last = sessionStorage.getItem(CACHE + 'last');
  if (last) current = JSON.parse(sessionStorage.getItem(CACHE + last));
} catch {
  current = null;
}

// The school's reference books: `schoolId` empty for the user's own school
// (auditors name one). `fresh` asks the server even when cached.
export function loadSchool(client, schoolId = '', { fresh = false } = {}) {
  if (!fresh) {
    const cached = schoolId ? cachedSchool(schoolId) : current && client.me?.schoolId === current.schoolId ? current : null;
    if (cached) {
      current = cached;
      return Promise.resolve(cached);
    }
  }
  if (!loading.has(schoolId)) {
    loading.set(schoolId, client.request({ school: schoolId }).then((r) => {
      rememberSchool(r.school);
      return r.school;
    }).finally(() => loading.delete(schoolId)));
  }
  return loading.get(schoolId);
}

function cachedSchool(schoolId) {
  try {
    return JSON.parse(sessionStorage.getItem(CACHE + schoolId));
  } catch {
    return null;
  }
}

export function workTypeName(id) {
  const w = current?.workTypes?.find((t) => t.workTypeId === id);
  return w?.name || id || 'без вида работы';
}

// The school's work types in use [{workTypeId, name, weight}] (a retired
// one takes no new marks), plus any id a view showed that the reference
// book lacks (by id, with the weight it carries).
export function workTypesWith(seen = new Map()) {
  const all = current?.workTypes || [];
  const list = all.filter((w) => !w.retired);
  for (const [id, weight] of seen) {
    if (!all.some((w) => w.workTypeId === id)) list.push({ workTypeId: id, name: id, weight });
  }
  return list;
}
