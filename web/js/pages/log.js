// The auditor's event log: every change to the journal as the log holds it —
// who, when, what, in which stream — newest first, followed live, with
// filters by event type, actor and stream, each event's payload and hashes
// on demand, and a check that the loaded events' hash links are unbroken.
import { startPage } from '../session.js';
import { h, clear, showError } from '../dom.js';
import { dateTimeText } from '../format.js';
import { EVENT_TYPES, Reference, eventKind, payloadBody, summary } from '../log_text.js';

const TAIL = 400;          // events shown at first
const PAGE = 1000;         // events per "earlier" page
const REFERENCE_PAGE = 2000;
const REFERENCE_PAGES = 6; // the setup of a school (people, classes) comes first in the log
const MAX_ROWS = 1500;     // rows drawn at once

const main = document.getElementById('main');
const { client, me } = await startPage('log');

const state = {
  events: [],              // ascending by position
  ref: new Reference(),
  open: new Set(),         // positions with details shown
  fresh: new Set(),
  loadingEarlier: false,
};

const typeSelect = h('select', { class: 'input', id: 'f-type', onchange: render },
  h('option', { value: '' }, 'все события'),
  Object.entries(EVENT_TYPES).sort((a, b) => a[1].localeCompare(b[1], 'ru'))
    .map(([type, name]) => h('option', { value: type }, name)));
const actorInput = h('input', { class: 'input', id: 'f-actor', type: 'search', placeholder: 'ФИО или id', oninput: render });
const streamInput = h('input', { class: 'input', id: 'f-stream', type: 'search', placeholder: 'например, lesson-sch1-c5a', oninput: render });
const textInput = h('input', { class: 'input', id: 'f-text', type: 'search', placeholder: 'слово из содержания', oninput: render });
const statusLine = h('div', { class: 'log-status', 'aria-live': 'polite' });
const tableBox = h('div', { class: 'card table-wrap' });
const moreButton = h('button', { type: 'button', class: 'btn', onclick: loadEarlier }, 'Загрузить более ранние');
const errorBox = h('div');

clear(main).append(
  h('div', { class: 'page-head' },
    h('div', {}, h('h1', {}, 'Журнал событий'),
      h('p', { class: 'subtitle' }, 'Все изменения в журнале в порядке записи: кто, когда и что сделал. Записи не удаляются и не изменяются.'))),
  h('form', { class: 'log-toolbar', onsubmit: (e) => e.preventDefault(), role: 'search', 'aria-label': 'Фильтры' },
    h('label', { for: 'f-type' }, 'Тип события', typeSelect),
    h('label', { for: 'f-actor' }, 'Кто', actorInput),
    h('label', { for: 'f-stream' }, 'Поток', streamInput),
    h('label', { for: 'f-text' }, 'Содержание', textInput),
    h('button', {
      type: 'reset', class: 'btn btn-ghost',
      onclick: () => setTimeout(render, 0),
    }, 'Сбросить')),
  errorBox,
  statusLine,
  tableBox,
  h('div', { class: 'log-more' }, moreButton));

// ---- loading ----

function add(events, { live = false } = {}) {
  if (!events?.length) return;
  const known = new Set(state.events.map((e) => e.position));
  const fresh = events.filter((e) => !known.has(e.position));
  for (const e of fresh) state.ref.learn(e);
  if (live) for (const e of fresh) state.fresh.add(e.position);
  state.events = state.events.concat(fresh).sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
  render();
  if (live) setTimeout(() => { for (const e of fresh) state.fresh.delete(e.position); }, 2500);
}

async function loadEarlier() {
  if (state.loadingEarlier || !state.events.length) return;
  const first = BigInt(state.events[0].position);
  if (first <= 1n) return;
  state.loadingEarlier = true;
  moreButton.disabled = true;
  try {
    const from = first > BigInt(PAGE) ? first - BigInt(PAGE) : 1n;
    const result = await client.request({ log: { fromPosition: String(from), limit: Number(first - from) } });
    add(result.log);
  } catch (e) {
    showError(errorBox, 'Не удалось загрузить события', e);
  } finally {
    state.loadingEarlier = false;
    moreButton.disabled = BigInt(state.events[0]?.position || 1) <= 1n;
  }
}

// Names of people, classes, subjects and lessons from the start of the log,
// in the background: the summaries get better as it arrives.
async function loadReference(upTo) {
  let from = 1n;
  for (let i = 0; i < REFERENCE_PAGES && from < upTo; i++) {
    const result = await client.request({ log: { fromPosition: String(from), limit: REFERENCE_PAGE } });
    const events = result.log || [];
    if (!events.length) break;
    for (const e of events) state.ref.learn(e);
    from = BigInt(events.at(-1).position) + 1n;
    render();
  }
}

async function start() {
  let head = 0n;
  try {
    head = BigInt((await (await fetch('health', { cache: 'no-store' })).json()).head || 0);
  } catch {
    // Start from the beginning.
  }
  const last = head > BigInt(TAIL) ? head - BigInt(TAIL) : 0n;
  try {
    await client.subscribe({ log: { fromPosition: '0', limit: 500 } }, (push) => add(push.log, { live: state.events.length > 0 }), String(last));
  } catch (e) {
    showError(errorBox, e.code === 'forbidden' ? 'Журнал событий доступен только проверяющим' : 'Не удалось открыть журнал событий', e);
    return;
  }
  loadReference(last).catch(() => {});
}

// ---- rendering ----

function matches(e) {
  const type = typeSelect.value;
  if (type && e.eventType !== type) return false;
  const actor = actorInput.value.trim().toLowerCase();
  if (actor && !(e.actor.toLowerCase().includes(actor) || state.ref.person(e.actor).toLowerCase().includes(actor))) return false;
  const stream = streamInput.value.trim().toLowerCase();
  if (stream && !e.streamId.toLowerCase().includes(stream)) return false;
  const text = textInput.value.trim().toLowerCase();
  if (text && !summary(e, state.ref).toLowerCase().includes(text)) return false;
  return true;
}

// Each loaded event's prevHash must be the hash of the event before it.
function chainStatus() {
  let breaks = null;
  for (let i = 1; i < state.events.length; i++) {
    const a = state.events[i - 1], b = state.events[i];
    if (BigInt(b.position) !== BigInt(a.position) + 1n) continue;
    if (b.prevHash !== a.hash) {
      breaks = b.position;
      break;
    }
  }
  return breaks;
}

function render() {
  const shown = state.events.filter(matches).reverse();
  const broken = chainStatus();
  const first = state.events[0]?.position, last = state.events.at(-1)?.position;
  clear(statusLine).append(
    h('span', { class: 'live-dot' }, 'обновляется в реальном времени'),
    h('span', {}, state.events.length
      ? `Загружены события № ${first}–${last}; показано ${Math.min(shown.length, MAX_ROWS)} из ${shown.length}`
      : 'Событий нет'),
    state.events.length > 1 ? (broken
      ? h('span', { class: 'chain-bad', role: 'alert' }, `Цепочка хешей разорвана у события № ${broken}`)
      : h('span', { class: 'chain-ok' }, '✓ цепочка хешей загруженных событий непрерывна')) : null);
  moreButton.hidden = !state.events.length || BigInt(first) <= 1n;

  const rows = [];
  for (const e of shown.slice(0, MAX_ROWS)) {
    const isOpen = state.open.has(e.position);
    const toggle = () => {
      if (state.open.has(e.position)) state.open.delete(e.position);
      else state.open.add(e.position);
      render();
    };
    rows.push(h('tr', {
      class: 'event-row' + (state.fresh.has(e.position) ? ' row-new' : ''), onclick: toggle, dataset: { position: e.position },
    },
    h('td', { class: 'pos' }, h('button', {
      type: 'button', class: 'icon-btn', 'aria-expanded': String(isOpen),
      'aria-label': `Подробнее о событии № ${e.position}`, onclick: (ev) => { ev.stopPropagation(); toggle(); },
    }, isOpen ? '▾' : '▸'), e.position),
    h('td', { class: 'when' }, dateTimeText(e.recordedAtUs)),
    h('td', { class: 'who' }, h('span', { title: e.actor }, state.ref.short(e.actor))),
    h('td', {}, h('span', { class: `ev-type ${eventKind(e.eventType)}` }, EVENT_TYPES[e.eventType] || e.eventType)),
    h('td', {}, summary(e, state.ref)),
    h('td', { class: 'stream' }, e.streamId)));
    if (isOpen) {
      rows.push(h('tr', { class: 'details-row' }, h('td', { colspan: 6 },
        h('dl', { class: 'details-grid' },
          h('dt', {}, 'Тип'), h('dd', {}, e.eventType),
          h('dt', {}, 'Кто'), h('dd', {}, `${state.ref.person(e.actor)} (${e.actor})`),
          h('dt', {}, 'Поток, версия'), h('dd', {}, `${e.streamId} · ${e.streamVersion}`),
          h('dt', {}, 'Команда'), h('dd', {}, e.commandId || '—'),
          h('dt', {}, 'Хеш'), h('dd', {}, e.hash),
          h('dt', {}, 'Предыдущий хеш'), h('dd', {}, e.prevHash)),
        h('pre', { class: 'payload' }, JSON.stringify(payloadBody(e), null, 2)))));
    }
  }
  clear(tableBox).append(h('table', { class: 'table log-table' },
    h('caption', { class: 'visually-hidden' }, 'События журнала, новые сверху'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, '№'), h('th', { scope: 'col' }, 'Когда'), h('th', { scope: 'col' }, 'Кто'),
      h('th', { scope: 'col' }, 'Событие'), h('th', { scope: 'col' }, 'Содержание'), h('th', { scope: 'col' }, 'Поток'))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'Нет событий, подходящих под фильтр')))));
}

document.title = `Журнал событий — ${me.fullName}`;
start();
