// The outbox as the person sees it, on the home and compose pages: each post still on its way (queued, waiting for
// the network / uploading n% / posted, with a link), and a button to discard it. This page sends the outbox too: on
// load, when the browser comes back online, and when compose adds a post; what it cannot send (the network is gone,
// the tab is closed) the service worker sends on Background Sync. The outbox's lock keeps the two apart.

let started;

/** Starts once per page; resolves to { queue(draft), drain() } for the compose page: queue resolves to the post once this try ends. */
export function start(core) {
  started ??= begin(core);
  return started;
}

async function begin(core) {
  const outbox = await core.load('outbox');
  const section = document.querySelector('[data-outbox]');
  const items = section.querySelector('ul');
  const rows = new Map();
  const worker = 'serviceWorker' in navigator
    ? navigator.serviceWorker.register(core.worker, { scope: '/', type: 'module' }).catch(() => null)
    : Promise.resolve(null);

  const render = post => {
    let row = rows.get(post.id);
    if (!row) {
      row = item(post, outbox);
      rows.set(post.id, row);
      items.append(row.element);
    }
    row.show(post);
    section.hidden = false;
  };

  for (const post of await outbox.list()) render(post);

  outbox.watch(async change => {
    const row = rows.get(change.id);
    if (change.state === 'discarded') {
      row?.element.remove();
      rows.delete(change.id);
      section.hidden = rows.size === 0;
    } else if (row && change.state === 'uploading' && row.state === 'uploading') {
      row.progress(change.sent, change.total);
    } else {
      // A new post, or a new state: read it whole (its link, its error).
      const post = (await outbox.list()).find(p => p.id === change.id);
      if (post) render(post);
    }
  });

  let again = null;
  const drain = async () => {
    clearTimeout(again);
    const left = await outbox.drain();
    if (left === 0) return;
    // Left for later: the worker tries again when the browser is back online, even with this tab closed; and while
    // this page is open and the browser says it is online (the server was the trouble), the page tries again.
    if (navigator.onLine) again = setTimeout(drain, 30000);
    const registration = await worker;
    await registration?.sync?.register(outbox.syncTag).catch(() => undefined);
  };
  window.addEventListener('online', () => { drain(); });
  drain();

  return {
    queue: async draft => {
      const id = await outbox.queue(draft);
      await drain();
      return (await outbox.list()).find(post => post.id === id);
    },
    drain,
  };
}

const said = {
  queued: 'Queued — waiting for the network',
  uploading: 'Uploading',
  posting: 'Posting',
  posted: 'Posted',
  failed: 'Not posted',
};

function item(post, outbox) {
  const element = document.createElement('li');
  const what = document.createElement('p');
  what.className = 'what';
  const photos = post.files.length;
  what.textContent = post.caption || (photos === 1 ? 'A post with one file' : `A post with ${photos} files`);
  // The state is announced when it changes; the percentage is not (it would talk over everything).
  const state = document.createElement('p');
  state.className = 'state';
  state.setAttribute('role', 'status');
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.setAttribute('aria-label', `Upload of ${what.textContent}`);
  const percent = document.createElement('span');
  percent.className = 'percent';
  const link = document.createElement('a');
  link.textContent = 'View post';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link';
  button.addEventListener('click', () => outbox.discard(post.id));
  element.append(what, state, bar, percent, link, button);

  const row = {
    element,
    state: null,
    progress(sent, total) {
      bar.value = total ? sent / total : 0;
      percent.textContent = `${Math.floor(100 * (total ? sent / total : 0))}%`;
    },
    show(current) {
      row.state = current.state;
      element.dataset.state = current.state;
      state.textContent = current.state === 'failed' ? `${said.failed}: ${current.error}` : said[current.state];
      const uploading = current.state === 'uploading';
      bar.hidden = percent.hidden = !uploading;
      if (uploading)
        row.progress(current.files.reduce((sum, file) => sum + file.sent, 0), current.files.reduce((sum, file) => sum + file.size, 0));
      link.hidden = current.state !== 'posted';
      if (current.url) link.href = current.url;
      button.textContent = current.state === 'posted' ? 'Dismiss' : 'Discard';
      button.setAttribute('aria-label', `${button.textContent}: ${what.textContent}`);
    },
  };
  return row;
}
