// The offline outbox, shared by the pages and the service worker (sw.js): every post goes through it. A post is
// written to IndexedDB (caption, choices, the files themselves, and its idempotency keys: one per file, one for the
// post) before its first byte leaves, then sent: each file over the resumable upload endpoint in chunks, resumed
// from where the server has it (HEAD), then the post. Whoever sends it (a page, or the worker on Background Sync)
// holds one Web Lock for the whole outbox, so two senders never send the same post at once; and any retry after a
// lost answer reuses the same keys, so the server answers with the upload or post it already made.
//
// Authentication: the worker has no page to read the session's token from and the API takes bearer tokens, not the
// session cookie, so each queued post keeps the token it was composed with (the signed-in web app's own token,
// scoped as the page's). It is deleted, with the files, as soon as the post is out or discarded or has failed, so an
// empty outbox holds no token. A token left in a queued post after signing out is a revoked one.
// No DOM here: this module runs in a service worker too.

const databaseName = 'pinhole';
const storeName = 'outbox';
const lockName = 'pinhole-outbox';
const endpoint = '/api/v1/pinhole/uploads';
// Small enough that progress moves on a slow link and a dropped chunk costs little; large enough to be few requests.
const chunkSize = 256 * 1024;
// Posted entries stay listed (with their link) for a day, unless dismissed.
const keepPosted = 24 * 60 * 60 * 1000;

/** The Background Sync tag the worker drains the outbox on. */
export const syncTag = 'pinhole-outbox';

const channel = new BroadcastChannel('pinhole-outbox');
const listeners = new Set();

/** Calls back with { id, state, sent, total, files: [sent, ...] } whenever a post changes, in this context or another. */
export function watch(callback) {
  listeners.add(callback);
  channel.addEventListener('message', event => callback(event.data));
}

function report(post) {
  const message = {
    id: post.id,
    state: post.state,
    sent: post.files.reduce((sum, file) => sum + (file.sent || 0), 0),
    total: post.files.reduce((sum, file) => sum + file.size, 0),
    files: post.files.map(file => file.sent || 0),
  };
  channel.postMessage(message);
  for (const listener of listeners) listener(message);
}

let opened;
function database() {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(databaseName, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

/** Runs work(store) in one transaction; resolves, once it has committed, to what work returned through done(). */
async function transaction(mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    let result;
    work(tx.objectStore(storeName), value => { result = value; });
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** Every post in the outbox, oldest first. */
export function list() {
  return transaction('readonly', (store, done) => {
    store.getAll().onsuccess = event => done(event.target.result.sort((a, b) => a.created - b.created));
  });
}

/**
 * Keeps a new post: { id (optional), token, profile, caption, visibility, actAs, place, files: [{ blob, name, type, description, filter }] }.
 * Its keys are made here, once, and stored with it before anything is sent.
 */
export async function queue(draft) {
  const post = {
    ...draft,
    id: draft.id ?? crypto.randomUUID(),
    created: Date.now(),
    state: 'queued',
    statusKey: crypto.randomUUID(),
    files: draft.files.map(file => ({ ...file, size: file.blob.size, key: crypto.randomUUID(), url: null, sent: 0, media: null })),
  };
  await transaction('readwrite', store => store.add(post));
  report(post);
  return post.id;
}

/** Removes a post (a queued one is not sent; a posted one leaves the list). */
export async function discard(id) {
  await transaction('readwrite', store => store.delete(id));
  channel.postMessage({ id, state: 'discarded' });
  for (const listener of listeners) listener({ id, state: 'discarded' });
}

class Discarded extends Error {}

/** Writes the post back, unless it was discarded meanwhile (then the sender stops). */
async function save(post) {
  const kept = await transaction('readwrite', (store, done) => {
    store.get(post.id).onsuccess = event => {
      done(Boolean(event.target.result));
      if (event.target.result) store.put(post);
    };
  });
  if (!kept) throw new Discarded();
  report(post);
}

/**
 * Sends every post still to go, one at a time, under the outbox's lock. Resolves to how many are left (they wait
 * for the network: the caller registers Background Sync or listens for 'online').
 */
export function drain() {
  return navigator.locks.request(lockName, async () => {
    let left = 0;
    for (const post of await list()) {
      if (post.state === 'posted') {
        if (Date.now() - post.sentAt > keepPosted) await discard(post.id);
        continue;
      }
      if (post.state === 'failed') continue;
      if (left > 0 || !(await sendWithRetries(post))) left++;
    }
    return left;
  });
}

/** True once the post is out (or failed for good, or was discarded); false when the network is gone. */
async function sendWithRetries(post) {
  let pause = 500;
  for (let tries = 1; ; tries++) {
    try {
      await send(post);
      return true;
    } catch (error) {
      if (error instanceof Discarded) return true;
      if (!error.retry) {
        await finish(post, 'failed', { error: error.message }).catch(ignoreDiscarded);
        return true;
      }
      post.state = 'queued';
      await save(post).catch(ignoreDiscarded);
      // Offline, or still failing after a while: wait for the network to come back (the caller's turn).
      if (!navigator.onLine || tries >= 6) return false;
      await new Promise(resolve => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 15000);
    }
  }
}

function ignoreDiscarded(error) {
  if (!(error instanceof Discarded)) throw error;
}

async function send(post) {
  for (const file of post.files) {
    if (file.media) continue;
    post.state = 'uploading';
    await upload(post, file);
  }
  post.state = 'posting';
  await save(post);
  const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': post.statusKey };
  if (post.actAs) headers['Pinhole-Act-As'] = post.actAs;
  const response = await call(post, '/api/v1/statuses', {
    method: 'POST',
    headers,
    body: JSON.stringify({
      status: post.caption,
      media_ids: post.files.map(file => file.media),
      visibility: post.visibility,
      pinhole_wait_for_media: true,
      // Where it was taken, by name: the server finds or makes the place.
      ...(post.place ? { pinhole_place: { name: post.place } } : {}),
    }),
  });
  const answer = await response.json().catch(() => ({}));
  // 200: the post itself; 202: held until its media are processed, then it appears on the profile.
  await finish(post, 'posted', { url: response.status === 200 && answer.url ? new URL(answer.url).pathname : post.profile });
}

/** The post's last state: what is needed to show it stays; the token and the files go. */
async function finish(post, state, extra) {
  Object.assign(post, extra, { state, sentAt: Date.now(), token: null });
  post.files = post.files.map(({ blob, ...rest }) => rest);
  await save(post);
}

async function upload(post, file) {
  if (!file.url) {
    const created = await call(post, endpoint, {
      method: 'POST',
      headers: {
        'Upload-Length': String(file.size),
        'Upload-Metadata': Object.entries({ filename: file.name, filetype: file.type, description: file.description, filter: file.filter })
          .filter(([, value]) => value).map(([key, value]) => `${key} ${base64(value)}`).join(','),
        // A creation asked again after a lost answer finds the same upload, with its offset.
        'Idempotency-Key': file.key,
      },
    });
    file.url = new URL(created.headers.get('Location'), self.location.href).pathname;
    progress(file, created);
    await save(post);
  } else {
    // Where the server got to before the last try stopped: the rest goes from there.
    progress(file, await call(post, file.url, { method: 'HEAD' }));
    await save(post);
  }
  while (!file.media) {
    if (file.sent >= file.size) {
      progress(file, await call(post, file.url, { method: 'HEAD' }));
      if (!file.media) throw new Error('The server has the whole file but made nothing of it');
      break;
    }
    const answer = await call(post, file.url, {
      method: 'PATCH',
      headers: { 'Upload-Offset': String(file.sent), 'Content-Type': 'application/offset+octet-stream' },
      body: file.blob.slice(file.sent, file.sent + chunkSize),
    });
    progress(file, answer);
    await save(post);
  }
}

function progress(file, response) {
  file.sent = Number(response.headers.get('Upload-Offset') || 0);
  file.media = response.headers.get('Pinhole-Media-Id');
}

/** One API request as the post's author; rejects with .retry set when another try may succeed. */
async function call(post, url, init) {
  const headers = { ...init.headers, Authorization: `Bearer ${post.token}` };
  if (url.startsWith(endpoint)) headers['Tus-Resumable'] = '1.0.0';
  let response;
  try {
    response = await fetch(url, { ...init, headers });
  } catch {
    throw Object.assign(new Error('No connection'), { retry: true });
  }
  if (response.ok) return response;
  const answer = await response.json().catch(() => ({}));
  const status = response.status;
  const message = status === 401 ? 'You were signed out before it was sent' : answer.error || `${status}`;
  throw Object.assign(new Error(message), { retry: status === 409 || status === 423 || status === 429 || status >= 500 });
}

function base64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
