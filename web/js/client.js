// The protocol client: one WebSocket to zhurnal's /ws (schema/protocol.capnp
// as JSON). Requests carry ids and resolve with the response's `result`;
// failures reject with a ProtocolError holding the server's stable code and
// Russian message. The session token lives in sessionStorage (one per tab);
// after a dropped connection the client reconnects with backoff,
// authenticates with the token, re-sends requests that were in flight (a
// command keeps its command id, so a retry cannot post twice) and
// resubscribes every live subscription with the last position it received,
// so the server sends only what was missed.
//
// Events (EventTarget): 'status' (detail: 'connecting' | 'online' |
// 'offline'), 'signedout' (detail: {code, message}) when the server no longer
// accepts the token.

const TOKEN_KEY = 'zhurnal.token';
const MAX_IN_FLIGHT = 16;  // the server allows 32 per connection
const ORPHAN_PUSH_MS = 5000;  // pushes may overtake their subscribe response

export class ProtocolError extends Error {
  constructor(code, message, retryAfterSeconds = 0) {
    super(message || code);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

// A short random ASCII id for commands and marks ("ids are chosen by the
// client", docs/events.md). crypto.getRandomValues works on plain http too.
export function newId(prefix = '') {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  let rand = '';
  for (const b of bytes) rand += (b % 36).toString(36);
  return prefix + Date.now().toString(36) + rand;
}

// Positions are UInt64 and travel as JSON strings; compare them exactly.
export function positionAfter(a, b) {
  return BigInt(a || 0) > BigInt(b || 0);
}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

// A request too large for a WebSocket frame (the secretary's lists: POST
// /import, docs/protocol.md "Lists over HTTP"), sent as a JSON body with the
// session token in Authorization. Resolves with the response's `result`;
// rejects with a ProtocolError, as Client.request() does.
export async function requestOverHttp(path, request) {
  let res;
  try {
    res = await fetch(new URL(path, location.href), {
      method: 'POST',
      headers: { Authorization: `Bearer ${storedToken() || ''}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: newId('h'), ...request }),
      cache: 'no-store',
    });
  } catch {
    throw new ProtocolError('offline', 'Нет связи с сервером');
  }
  let body = null;
  try { body = await res.json(); } catch { /* not JSON: a proxy's error page */ }
  const response = body?.response;
  if (!response) {
    throw new ProtocolError(body?.error || `http_${res.status}`,
      res.status === 413 ? 'Запрос больше, чем принимает сервер' : `Ошибка сервера (${res.status})`);
  }
  if (!response.ok) throw new ProtocolError(response.error.code, response.error.message, response.error.retryAfterSeconds);
  return response.result;
}

function socketUrl() {
  const url = new URL('ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

export class Client extends EventTarget {
  #ws = null;
  #nextId = 1;
  #queue = [];              // {frame, id, resolve, reject, retry} not sent yet
  #inFlight = new Map();    // request id -> entry
  #subs = new Set();        // live Subscription objects
  #byServerId = new Map();  // server's subscription id -> Subscription
  #orphans = new Map();     // server's subscription id -> [push], before its response
  #ready = false;           // open and authenticated (or anonymous)
  #backoff = 500;
  #reconnectTimer = 0;
  #closedByUs = false;
  #firstConnect = null;
  #resolveFirst = null;
  #rejectFirst = null;

  constructor() {
    super();
    this.me = null;
    this.status = 'connecting';
    window.addEventListener('online', () => this.#reconnectSoon(0));
  }

  // Opens the connection; resolves with `me` when a stored token was
  // accepted, null when there is none, and rejects on session_expired.
  connect() {
    if (!this.#firstConnect) {
      this.#firstConnect = new Promise((resolve, reject) => {
        this.#resolveFirst = resolve;
        this.#rejectFirst = reject;
      });
      this.#open();
    }
    return this.#firstConnect;
  }

  // Sends a request (an object with one union member, e.g. {me: null}) and
  // resolves with the response's `result` union object.
  request(body, { retry = true } = {}) {
    return new Promise((resolve, reject) => {
      const id = 'r' + this.#nextId++;
      const entry = { id, frame: JSON.stringify({ id, ...body }), resolve, reject, retry };
      this.#queue.push(entry);
      this.#flush();
    });
  }

  // `newPassword` (optional) replaces the password as she signs in: an
  // initial password from the school signs in only with one
  // (`password_change_required` otherwise).
  async signIn(login, password, newPassword = '') {
    const body = newPassword ? { login, password, newPassword } : { login, password };
    const result = await this.request({ signIn: body }, { retry: false });
    sessionStorage.setItem(TOKEN_KEY, result.signedIn.token);
    this.me = result.signedIn.me;
    return this.me;
  }

  async signOut() {
    try {
      await this.request({ signOut: null }, { retry: false });
    } finally {
      sessionStorage.removeItem(TOKEN_KEY);
      this.me = null;
      for (const s of this.#subs) s.closed = true;
      this.#subs.clear();
      this.#byServerId.clear();
    }
  }

  // Sends a journal command; `commandId` is the idempotency key, reused by
  // automatic retries. Resolves with `accepted` ({firstPosition, lastPosition,
  // duplicate, initialPassword}).
  async command(command, commandId = newId('w')) {
    const result = await this.request({ command: { commandId, command } });
    return result.accepted;
  }

  // Subscribes to a view or the log: spec is {diary: {...}} | {register: {...}}
  // | {log: {...}}. onPush(push) gets every push; the returned object has
  // close() and the position last received.
  async subscribe(spec, onPush, lastPosition = '0') {
    const sub = { spec, onPush, lastPosition: String(lastPosition), serverId: null, closed: false };
    sub.close = () => this.#unsubscribe(sub);
    this.#subs.add(sub);
    try {
      await this.#sendSubscribe(sub);
    } catch (e) {
      this.#subs.delete(sub);
      throw e;
    }
    return sub;
  }

  async #sendSubscribe(sub) {
    const result = await this.request({ subscribe: { lastPosition: sub.lastPosition, ...sub.spec } });
    if (sub.closed) {  // closed while the request was on its way
      this.request({ unsubscribe: result.subscribed }).catch(() => {});
      return;
    }
    sub.serverId = result.subscribed;
    this.#byServerId.set(sub.serverId, sub);
    for (const push of this.#orphans.get(sub.serverId) || []) this.#deliver(sub, push);
    this.#orphans.delete(sub.serverId);
  }

  #unsubscribe(sub) {
    if (sub.closed) return;
    sub.closed = true;
    this.#subs.delete(sub);
    if (sub.serverId) {
      this.#byServerId.delete(sub.serverId);
      if (this.#ready) this.request({ unsubscribe: sub.serverId }, { retry: false }).catch(() => {});
    }
  }

  #deliver(sub, push) {
    if (sub.closed) return;
    if (push.position && !positionAfter(push.position, sub.lastPosition)) return;
    if (push.position) sub.lastPosition = push.position;
    sub.onPush(push);
  }

  #setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.dispatchEvent(new CustomEvent('status', { detail: status }));
  }

  #open() {
    clearTimeout(this.#reconnectTimer);
    this.#setStatus('connecting');
    const ws = new WebSocket(socketUrl());
    this.#ws = ws;
    ws.onopen = () => this.#onOpen(ws);
    ws.onmessage = (e) => this.#onMessage(e.data);
    ws.onclose = () => this.#onClose(ws);
  }

  #send(entry) {
    this.#inFlight.set(entry.id, entry);
    this.#ws.send(entry.frame);
  }

  // Authenticates a fresh socket with the stored token before anything else.
  async #onOpen(ws) {
    if (ws !== this.#ws) return;
    this.#backoff = 500;
    const token = storedToken();
    if (token) {
      const id = 'r' + this.#nextId++;
      const auth = new Promise((resolve, reject) => {
        this.#send({ id, frame: JSON.stringify({ id, authenticate: token }), resolve, reject, retry: false });
      });
      try {
        const result = await auth;
        this.me = result.me;
      } catch (e) {
        if (e.code === 'session_expired' || e.code === 'not_signed_in') {
          sessionStorage.removeItem(TOKEN_KEY);
          this.me = null;
          this.#failAll(e);
          if (this.#rejectFirst) {
            this.#rejectFirst(e);
            this.#resolveFirst = this.#rejectFirst = null;
          }
          this.dispatchEvent(new CustomEvent('signedout', { detail: e }));
          // Go on as an anonymous connection: a sign-in may follow.
        } else {
          ws.close();
          return;
        }
      }
    }
    this.#ready = true;
    this.#setStatus('online');
    if (this.#resolveFirst) {
      this.#resolveFirst(this.me);
      this.#resolveFirst = this.#rejectFirst = null;
    }
    // Resubscribe before anything queued, with the last position each has.
    for (const sub of this.#subs) {
      if (sub.serverId) {
        this.#byServerId.delete(sub.serverId);
        sub.serverId = null;
        this.#sendSubscribe(sub).catch(() => {});
      }
    }
    this.#flush();
  }

  #flush() {
    while (this.#ready && this.#queue.length && this.#inFlight.size < MAX_IN_FLIGHT) {
      this.#send(this.#queue.shift());
    }
  }

  #onMessage(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (msg.push) {
      const push = msg.push;
      const sub = this.#byServerId.get(push.subscription);
      if (sub) {
        this.#deliver(sub, push);
      } else {
        const list = this.#orphans.get(push.subscription) || [];
        list.push(push);
        this.#orphans.set(push.subscription, list);
        setTimeout(() => this.#orphans.delete(push.subscription), ORPHAN_PUSH_MS);
      }
      return;
    }
    const r = msg.response;
    if (!r) return;
    const entry = this.#inFlight.get(r.id);
    if (!entry) return;
    this.#inFlight.delete(r.id);
    if (r.ok) entry.resolve(r.result || {});
    else entry.reject(new ProtocolError(r.error?.code || 'error', r.error?.message, r.error?.retryAfterSeconds || 0));
    this.#flush();
  }

  #failAll(error) {
    for (const e of [...this.#inFlight.values(), ...this.#queue]) e.reject(error);
    this.#inFlight.clear();
    this.#queue = [];
  }

  #onClose(ws) {
    if (ws !== this.#ws) return;
    this.#ready = false;
    this.#ws = null;
    // Requests that were sent may or may not have been handled: the
    // idempotent ones (queries, commands with their id) go again.
    const resend = [];
    const offline = new ProtocolError('offline', 'Нет связи с сервером');
    for (const e of this.#inFlight.values()) {
      if (e.retry) resend.push(e);
      else e.reject(offline);
    }
    this.#inFlight.clear();
    this.#queue = resend.concat(this.#queue);
    if (this.#closedByUs) return;
    this.#setStatus('offline');
    this.#reconnectSoon(this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, 10000);
  }

  #reconnectSoon(ms) {
    if (this.#ws || this.#closedByUs) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => this.#open(), ms + Math.random() * 250);
  }

  close() {
    this.#closedByUs = true;
    if (this.#ws) this.#ws.close();
  }
}
