// Pinhole's page script. Every page reads without it; with it, likes and follows go through the Mastodon API without
// leaving the page and carousels get buttons. Larger features are modules of their own, loaded only where a page has
// a use for them.

const version = new URL(import.meta.url).search;

/** The session's access token, handed over masked (see WebSessions.Mask); null when nobody is signed in. */
const token = (() => {
  const meta = document.querySelector('meta[name="pinhole-token"]');
  if (!meta) return null;
  const [mask, masked] = meta.content.split('.').map(bytesOf);
  return String.fromCharCode(...masked.map((byte, i) => byte ^ mask[i]));
})();

function bytesOf(base64url) {
  return Array.from(atob(base64url.replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0));
}

/** Calls the Mastodon API as the signed-in person; rejects with the API's error message. */
async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || `${response.status}`);
  return answer;
}

/** What feature modules are given: the token, the API, and how to load another script at this version. */
const core = {
  token,
  api,
  asset: file => `/js/${file}${version}`,
  load: name => import(`./${name}.js${version}`),
  // The service worker lives at the root (its scope is every page); it shares the scripts' version.
  worker: `/sw.js${version}`,
};

// Likes and follows: the forms work without script; with it, the API does the same and the page stays put.
document.addEventListener('submit', event => {
  const form = event.target;
  if (!token || !(form instanceof HTMLFormElement)) return;
  if (form.dataset.like) {
    event.preventDefault();
    toggleLike(form).catch(() => form.submit());
  } else if (form.dataset.follow) {
    event.preventDefault();
    toggleFollow(form).catch(() => form.submit());
  }
});

async function toggleLike(form) {
  const id = form.dataset.like;
  const liking = !form.action.endsWith('/unlike');
  const status = await api('POST', `/api/v1/statuses/${id}/${liking ? 'favourite' : 'unfavourite'}`);
  for (const other of document.querySelectorAll(`form[data-like="${id}"]`)) {
    other.action = other.action.replace(/\/(un)?like$/, liking ? '/unlike' : '/like');
    other.querySelector('button').setAttribute('aria-pressed', String(liking));
  }
  for (const count of document.querySelectorAll(`[data-likes="${id}"]`))
    count.textContent = `${status.favourites_count.toLocaleString('en')} ${status.favourites_count === 1 ? 'like' : 'likes'}`;
}

async function toggleFollow(form) {
  const following = form.action.endsWith('/unfollow');
  const relationship = await api('POST', `/api/v1/accounts/${form.dataset.follow}/${following ? 'unfollow' : 'follow'}`);
  const engaged = relationship.following || relationship.requested;
  form.action = form.action.replace(/\/(un)?follow$/, engaged ? '/unfollow' : '/follow');
  const button = form.querySelector('button');
  button.textContent = relationship.following ? 'Following' : relationship.requested ? 'Requested' : 'Follow';
  button.classList.toggle('secondary', engaged);
  button.setAttribute('aria-pressed', String(engaged));
}

// Carousels scroll and swipe by themselves; this adds the counter's updates and buttons for a mouse.
function carousel(element) {
  const slides = element.querySelector('.slides');
  const counter = element.querySelector('.counter');
  const count = slides.children.length;
  const step = (label, text, delta) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `step ${delta < 0 ? 'back' : 'next'}`;
    button.setAttribute('aria-label', label);
    button.textContent = text;
    button.addEventListener('click', () => slides.scrollBy({ left: delta * slides.clientWidth, behavior: 'smooth' }));
    element.append(button);
    return button;
  };
  const back = step('Previous photo', '‹', -1);
  const next = step('Next photo', '›', 1);
  const update = () => {
    const index = Math.round(slides.scrollLeft / slides.clientWidth);
    counter.textContent = `${index + 1}/${count}`;
    back.hidden = index === 0;
    next.hidden = index === count - 1;
  };
  slides.addEventListener('scroll', update, { passive: true });
  update();
}

/** Brings posts added to the page later (live, or the next page) to life as those it came with. */
core.enhance = root => {
  root.querySelectorAll('[data-carousel]').forEach(carousel);
  // BlurHash placeholders, decoded by a module of their own only where a picture is still on its way.
  if (root.querySelector('[data-blurhash]:not([data-blurhash=""])')) core.load('blurhash').then(module => module.paint(root));
};
core.enhance(document);

// Feeds that grow (new posts live, older ones as the reader scrolls), only where there is one.
if (document.querySelector('[data-stream], a[data-more]')) core.load('live').then(module => module.start(core));

// The offline outbox's list and sender, where a page shows it (home, compose).
if (token && document.querySelector('[data-outbox]')) core.load('outbox-list').then(module => module.start(core));

// The compose page's module, only there.
const compose = document.querySelector('form[data-compose]');
if (compose && token) core.load('compose').then(module => module.start(core, compose));
