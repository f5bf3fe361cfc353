// Small DOM helpers shared by the pages: an element builder and
// notifications. Text is always set as text (never parsed as HTML).

// h('td', {class: 'x', onclick: f, dataset: {id: 1}}, child, 'text', [more])
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// A short message at the bottom of the screen; errors stay until closed.
export function toast(message, { kind = 'info', timeout = 4000 } = {}) {
  let box = document.getElementById('toasts');
  if (!box) {
    box = h('div', { id: 'toasts', class: 'toasts', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const item = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('span', {}, message),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Закрыть', onclick: () => item.remove() }, '×'));
  box.append(item);
  if (kind !== 'error' || timeout > 4000) setTimeout(() => item.remove(), kind === 'error' ? Math.max(timeout, 10000) : timeout);
  return item;
}

// Shows an error block (role=alert) in a container, replacing its content.
export function showError(container, title, error) {
  clear(container);
  container.append(h('div', { class: 'error-box', role: 'alert' },
    h('strong', {}, title),
    h('p', {}, error?.message || String(error))));
}
