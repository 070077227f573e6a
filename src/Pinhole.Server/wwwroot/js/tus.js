// A small client of Pinhole's tus 1.0 endpoint (/api/v1/pinhole/uploads): one upload per file, sent in one PATCH
// from where the server has it; when the link drops, it waits (for the browser to say it is online again, then
// a growing pause), asks the server how far it got (HEAD) and sends the rest. The server keeps the bytes of a cut
// PATCH, so nothing that arrived is sent twice. XMLHttpRequest, not fetch: only it reports upload progress.

const endpoint = '/api/v1/pinhole/uploads';

/** Resolves to the finished upload's media id; onProgress(sentBytes, totalBytes) as bytes go. */
export async function upload(token, file, metadata, onProgress) {
  const created = await send('POST', endpoint, token, {
    'Upload-Length': String(file.size),
    'Upload-Metadata': Object.entries(metadata).filter(([, value]) => value).map(([key, value]) => `${key} ${base64(value)}`).join(','),
    // The same file asked for twice (a retry after the answer was lost) is the same upload.
    'Idempotency-Key': crypto.randomUUID(),
  });
  const address = new URL(created.getResponseHeader('Location'), window.location.href).pathname;
  let offset = Number(created.getResponseHeader('Upload-Offset') || 0);
  let pause = 500;
  for (;;) {
    try {
      const answer = offset === file.size
        ? await send('HEAD', address, token, {})
        : await send('PATCH', address, token, { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
          file.slice(offset), sent => onProgress(offset + sent, file.size));
      offset = Number(answer.getResponseHeader('Upload-Offset'));
      onProgress(offset, file.size);
      const media = answer.getResponseHeader('Pinhole-Media-Id');
      if (media) return media;
      pause = 500;
    } catch (error) {
      if (!error.retry) throw error;
      await online();
      await new Promise(resolve => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 15000);
      // Where the server got to: the rest goes from there.
      offset = await send('HEAD', address, token, {}).then(head => Number(head.getResponseHeader('Upload-Offset')), () => offset);
    }
  }
}

function online() {
  return navigator.onLine ? Promise.resolve() : new Promise(resolve => window.addEventListener('online', resolve, { once: true }));
}

function base64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** One request; rejects with .retry set when another try may succeed (no answer, a conflict, the server's trouble). */
function send(method, url, token, headers, body, onSent) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.setRequestHeader('Tus-Resumable', '1.0.0');
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    if (onSent) request.upload.addEventListener('progress', event => onSent(event.loaded));
    const fail = retry => {
      let message = `${request.status}`;
      try { message = JSON.parse(request.responseText).error || message; } catch { /* not JSON: keep the status */ }
      reject(Object.assign(new Error(message), { retry }));
    };
    request.addEventListener('load', () => request.status < 300 ? resolve(request)
      : fail(request.status === 409 || request.status === 423 || request.status === 429 || request.status >= 500));
    request.addEventListener('error', () => fail(true));
    request.addEventListener('timeout', () => fail(true));
    request.send(body ?? null);
  });
}
