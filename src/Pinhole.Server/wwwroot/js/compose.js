// The compose page: the chosen photos (or a video) with a preview, alt text and a progress bar each; on Share,
// each goes up through the resumable upload endpoint with its alt text and the filter, then the post, which asks
// to wait for processing (so it can go before the media are ready) under an Idempotency-Key, so sending it again
// after a lost answer never posts twice.
export async function start(core, form) {
  const { upload } = await core.load('tus');
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

  // Kept across tries of this post: a retry after a lost answer is the same post.
  const idempotencyKey = crypto.randomUUID();

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
    try {
      for (const entry of files) {
        if (entry.media) continue;
        entry.progress.hidden = false;
        entry.media = await upload(core.token, entry.file,
          { filename: entry.file.name, filetype: entry.file.type, description: entry.alt.value.trim(), filter: entry.file.type.startsWith('image/') ? filter : '' },
          (sent, total) => { entry.progress.value = total ? sent / total : 1; });
        entry.progress.value = 1;
      }
      const response = await fetch('/api/v1/statuses', {
        method: 'POST',
        headers: { Authorization: `Bearer ${core.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey,
          ...(form.elements.act_as?.value ? { 'Pinhole-Act-As': form.elements.act_as.value } : {}) },
        body: JSON.stringify({
          status: caption,
          media_ids: files.map(entry => entry.media),
          visibility: form.elements.visibility.value,
          pinhole_wait_for_media: true,
          ...(form.elements.place.value.trim() ? { pinhole_place: { name: form.elements.place.value.trim() } } : {}),
        }),
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(answer.error || `${response.status}`);
      // 200: the post itself; 202: held until its media are processed, then it appears on the profile.
      window.location.assign(response.status === 200 && answer.url ? new URL(answer.url).pathname : form.dataset.profile);
    } catch (error) {
      say(`Not posted: ${error.message}`);
      share.disabled = false;
    }
  });
}
