// The compose page: the chosen photos (or a video) with a preview, alt text and a progress bar each. Share puts the
// post in the offline outbox (outbox.js), which keeps it in the browser with its idempotency keys and sends it:
// each file through the resumable upload endpoint with its alt text and the filter, then the post, which asks to
// wait for processing (so it can go before the media are ready). Sent at once, the page goes to the post; with no
// network it stays in the outbox, listed above the form, and goes out when the connection returns.
export async function start(core, form) {
  const [outboxList, outbox] = await Promise.all([core.load('outbox-list'), core.load('outbox')]);
  const { queue } = await outboxList.start(core);
  const picked = form.querySelector('.picked');
  const notice = form.querySelector('.notice');
  const share = form.querySelector('button[type="submit"]');
  const files = [];

  const say = text => { notice.textContent = text; notice.hidden = !text; };

  const add = chosen => {
    for (const file of chosen) {
      if (!/^(image|video)\//.test(file.type)) continue;
      // One video, or up to four photos, as the API takes them.
      if (file.type.startsWith('video/') ? files.length > 0 : files.some(f => f.file.type.startsWith('video/')) || files.length >= 4) {
        say('A post has up to four photos, or one video.');
        continue;
      }
      files.push(row(file));
    }
  };

  const row = file => {
    const number = files.length + 1;
    const item = document.createElement('li');
    const preview = document.createElement(file.type.startsWith('video/') ? 'video' : 'img');
    preview.className = 'preview';
    preview.src = URL.createObjectURL(file);
    if (preview instanceof HTMLImageElement) preview.alt = '';
    const text = document.createElement('div');
    const label = document.createElement('label');
    label.htmlFor = `alt-${number}`;
    label.textContent = `Describe ${file.type.startsWith('video/') ? 'the video' : `photo ${number}`} for people who cannot see it`;
    const alt = document.createElement('textarea');
    alt.id = `alt-${number}`;
    alt.maxLength = 1500;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'link remove';
    remove.textContent = 'Remove';
    const progress = document.createElement('progress');
    progress.max = 1;
    progress.value = 0;
    progress.hidden = true;
    progress.setAttribute('aria-label', `Upload of ${file.name}`);
    text.append(label, alt, remove);
    item.append(preview, text, progress);
    picked.append(item);
    const entry = { file, alt, progress, item, media: null };
    remove.addEventListener('click', () => {
      files.splice(files.indexOf(entry), 1);
      URL.revokeObjectURL(preview.src);
      item.remove();
    });
    return entry;
  };

  for (const input of form.querySelectorAll('input[type="file"]')) {
    input.addEventListener('change', () => {
      say('');
      add(input.files);
      input.value = '';
    });
  }

  let sending = null;
  outbox.watch(change => {
    if (change.id !== sending || change.state !== 'uploading') return;
    files.forEach((entry, i) => { entry.progress.value = change.files[i] / entry.file.size || 0; });
  });

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const caption = form.elements.caption.value.trim();
    if (files.length === 0 && !caption) {
      say('Choose a photo or a video, or write something.');
      return;
    }
    say('');
    share.disabled = true;
    const filter = form.elements.filter.value;
    for (const entry of files) entry.progress.hidden = false;
    sending = crypto.randomUUID();
    const post = await queue({
      id: sending,
      token: core.token,
      profile: form.dataset.profile,
      caption,
      visibility: form.elements.visibility.value,
      // Posting as an organisation, where the page offers it.
      actAs: form.elements.act_as?.value || null,
      place: form.elements.place?.value.trim() || null,
      files: files.map(entry => ({
        blob: entry.file,
        name: entry.file.name,
        type: entry.file.type,
        description: entry.alt.value.trim(),
        filter: entry.file.type.startsWith('image/') ? filter : '',
      })),
    }).then(queued => queued, error => ({ state: 'failed', error: error.message }));
    sending = null;
    if (post?.state === 'posted') {
      window.location.assign(post.url);
    } else if (post?.state === 'failed') {
      // Refused (too long, a file it cannot read...): the form is still here to put it right and share again.
      if (post.id) await outbox.discard(post.id);
      say(`Not posted: ${post.error}`);
      share.disabled = false;
    } else {
      // Kept for later (or discarded from the outbox meanwhile): the outbox above shows where it stands; the form is free again.
      for (const entry of [...files]) entry.item.querySelector('.remove').click();
      form.reset();
      say(post ? 'Saved in your outbox: it will be sent when the connection returns, even if you close this page.' : '');
      share.disabled = false;
    }
  });
  share.disabled = false;
}
