// Downloads a report the server makes (GET /reports/..., docs/protocol.md,
// "Reports over HTTP"). The session token goes in the Authorization header,
// never in the URL, so it stays out of server logs and browser history; the
// file is saved under the name the server gives in Content-Disposition
// (RFC 5987 filename*, Russian).
import { ProtocolError, storedToken } from './client.js';

// "attachment; filename="a.csv"; filename*=UTF-8''%D0%9C..." -> "М….csv"
export function fileNameOf(disposition) {
  if (!disposition) return '';
  const ext = disposition.match(/filename\*\s*=\s*UTF-8''([^;]+)/i);
  if (ext) {
    try {
      return decodeURIComponent(ext[1].trim());
    } catch { /* fall back to the plain name */ }
  }
  const plain = disposition.match(/filename\s*=\s*"([^"]*)"/i);
  return plain ? plain[1] : '';
}

// path: 'reports/compliance.xlsx'; params: {school, month}. Resolves with
// {name, size}; rejects with a ProtocolError carrying the server's code
// and Russian message (forbidden, not_signed_in, not_found, bad_request).
export async function downloadReport(path, params) {
  const url = new URL(path, location.href);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  let res;
  try {
    res = await fetch(url, { headers: { Authorization: `Bearer ${storedToken() || ''}` }, cache: 'no-store' });
  } catch {
    throw new ProtocolError('offline', 'Нет связи с сервером');
  }
  if (!res.ok) {
    let body = {};
    try { body = await res.json(); } catch { /* not JSON */ }
    throw new ProtocolError(body.error || `http_${res.status}`, body.message || `Ошибка сервера (${res.status})`);
  }
  const blob = await res.blob();
  const name = fileNameOf(res.headers.get('Content-Disposition')) || path.split('/').pop();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60000);
  return { name, size: blob.size };
}
