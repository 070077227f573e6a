// Feeds that grow by themselves. New posts: the page listens to its stream (the streaming API's Server-Sent
// Events, read with fetch so the token goes in a header, not the address) and says "3 new posts" at the top; a
// tap brings them in. Older posts: when the "Older posts" link comes into view, the next page is fetched and its
// items appended. Both take the items from the server's own HTML for those pages, so a post looks and behaves
// the same whichever way it arrived.

export function start(core) {
  const more = document.querySelector('a[data-more]');
  if (more && listOf(document)) scrollForMore(core, more);
  const feed = document.querySelector('[data-stream]');
  if (feed) live(core, feed);
}

/** The page's list: a feed, a grid, people or notifications, each under its own id. */
const listOf = doc => doc.querySelector('#feed, #grid, #people, #notifications');

async function fetchDocument(url) {
  const response = await fetch(url, { headers: { Accept: 'text/html' } });
  if (!response.ok) throw new Error(`${response.status}`);
  return new DOMParser().parseFromString(await response.text(), 'text/html');
}

function scrollForMore(core, first) {
  const list = listOf(document);
  let link = first;
  let loading = false;
  const observer = new IntersectionObserver(async entries => {
    if (loading || !entries.some(entry => entry.isIntersecting)) return;
    loading = true;
    try {
      const next = await fetchDocument(link.href);
      const items = listOf(next);
      const known = new Set([...list.children].map(item => item.dataset.key));
      for (const item of [...(items?.children ?? [])].filter(item => !known.has(item.dataset.key))) {
        list.append(document.adoptNode(item));
        core.enhance(item);
      }
      observer.unobserve(link);
      const further = next.querySelector('a[data-more]');
      if (further) {
        link.href = further.href;
        observer.observe(link);
      } else {
        link.closest('.older').remove();
      }
    } catch {
      // Offline or refused: the link stays, to be followed by hand or when it next comes into view.
    } finally {
      loading = false;
    }
  }, { rootMargin: '600px 0px' });
  observer.observe(link);
}

function live(core, feed) {
  const banner = feed.querySelector('.new-posts');
  const waiting = new Set();
  const path = feed.dataset.stream === 'hashtag'
    ? `/api/v1/streaming/hashtag?tag=${encodeURIComponent(feed.dataset.tag)}`
    : `/api/v1/streaming/${feed.dataset.stream}`;

  listen(core, path, status => {
    if (document.querySelector(`[data-key="${status.id}"]`)) return;
    waiting.add(status.id);
    banner.textContent = `${waiting.size} new ${waiting.size === 1 ? 'post' : 'posts'}`;
    banner.hidden = false;
  });

  banner.addEventListener('click', async () => {
    const newest = feed.querySelector('[data-key]')?.dataset.key;
    const url = new URL(window.location.href);
    url.searchParams.delete('max_id');
    if (newest) url.searchParams.set('min_id', newest);
    try {
      const items = [...(listOf(await fetchDocument(url))?.querySelectorAll('[data-key]') ?? [])]
        .filter(item => !document.querySelector(`[data-key="${item.dataset.key}"]`));
      banner.after(...items.map(item => document.adoptNode(item)));
      items.forEach(core.enhance);
      waiting.clear();
      banner.hidden = true;
      document.querySelector('p.empty')?.remove();
      window.scrollTo({ top: 0, behavior: 'smooth' });
    } catch {
      // Offline: the banner stays for another try.
    }
  });
}

/** Reads a Server-Sent Events stream, reconnecting with Last-Event-ID (the server sends what was missed). */
async function listen(core, path, onUpdate) {
  let lastId = null;
  let pause = 1000;
  for (;;) {
    try {
      const headers = { Accept: 'text/event-stream' };
      if (core.token) headers.Authorization = `Bearer ${core.token}`;
      if (lastId) headers['Last-Event-ID'] = lastId;
      const response = await fetch(path, { headers });
      if (!response.ok) throw new Error(`${response.status}`);
      pause = 1000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const event = { data: [] };
          for (const line of buffer.slice(0, end).split('\n')) {
            const colon = line.indexOf(':');
            if (colon <= 0) continue;
            const [field, text] = [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
            if (field === 'data') event.data.push(text);
            else event[field] = text;
          }
          buffer = buffer.slice(end + 2);
          if (event.id) lastId = event.id;
          if (event.event === 'update') onUpdate(JSON.parse(event.data.join('\n')));
        }
      }
    } catch {
      // The link dropped or the server refused: try again, less often each time.
    }
    await new Promise(resolve => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 30000);
  }
}
