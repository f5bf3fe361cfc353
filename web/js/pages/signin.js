// The sign-in page: login and password, then the user's landing page (or
// the page that sent her here, if she may open it). An initial password
// from the school's slip is answered `password_change_required`: the page
// then asks for a password of her own (twice) and signs in with both.
import { Client, storedToken } from '../client.js';
import { landingFor, pagesFor } from '../session.js';

const form = document.getElementById('signin');
const errorBox = document.getElementById('signin-error');
const submit = form.querySelector('button[type=submit]');
const newBox = document.getElementById('new-password-box');
const params = new URLSearchParams(location.search);

function showError(text) {
  errorBox.textContent = text;
  errorBox.hidden = !text;
}

// Only a page of ours that this user may open; never an outside address.
function destination(me) {
  const next = params.get('next') || '';
  const page = next.split('?')[0];
  if (/^[a-z]+\.html$/.test(page) && pagesFor(me).some((p) => p.href === page)) return next;
  return landingFor(me);
}

function go(me) {
  const target = destination(me);
  if (target) location.replace(target);
  else showError('Для вашей роли в журнале пока нет страниц.');
}

const client = new Client();

async function init() {
  if (params.get('reason') === 'expired') showError('Сеанс завершён. Войдите снова.');
  if (storedToken()) {
    try {
      const me = await client.connect();
      if (me) return go(me);
    } catch {
      // The token is no longer valid: sign in again.
    }
  } else {
    client.connect();
  }
  form.login.focus();
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const login = form.login.value.trim();
  const password = form.password.value;
  if (!login || !password) {
    showError('Введите логин и пароль.');
    return;
  }
  const newPassword = newBox.hidden ? '' : form.newPassword.value;
  if (!newBox.hidden) {
    if ([...newPassword].length < 8) {
      showError('Новый пароль должен содержать не менее 8 символов.');
      form.newPassword.focus();
      return;
    }
    if (newPassword !== form.newPasswordAgain.value) {
      showError('Новые пароли не совпадают.');
      form.newPasswordAgain.focus();
      return;
    }
  }
  showError('');
  submit.disabled = true;
  submit.textContent = 'Вход…';
  try {
    const me = await client.signIn(login, password, newPassword);
    go(me);
  } catch (err) {
    showError(err.code === 'offline' ? 'Нет связи с сервером. Проверьте подключение и повторите.' : err.message || 'Не удалось войти.');
    if (err.code === 'password_change_required') {
      // The slip's password was right: keep it and ask for her own (the
      // box says why; it is not an error).
      showError('');
      newBox.hidden = false;
      form.newPassword.focus();
    } else if (err.code === 'invalid_password') {
      form.newPassword.value = '';
      form.newPasswordAgain.value = '';
      form.newPassword.focus();
    } else {
      form.password.value = '';
      form.password.focus();
    }
  } finally {
    submit.disabled = false;
    submit.textContent = 'Войти';
  }
});

init();
