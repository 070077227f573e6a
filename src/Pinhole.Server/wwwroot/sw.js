// Pinhole's service worker, at the site's root so that its scope covers every page. It only sends the offline
// outbox (js/outbox.js) when Background Sync says the network is back, also with every tab closed; it does not
// answer any request, so pages always come from the server. Its one import carries no version: the browser checks
// it for changes with the worker, and the worker's own address changes with every script (see StaticAssets).
import { drain, syncTag } from './js/outbox.js';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));

self.addEventListener('sync', event => {
  if (event.tag !== syncTag) return;
  // Rejecting asks the browser to fire the sync again later, with its own back-off.
  event.waitUntil(drain().then(left => {
    if (left > 0) throw new Error(`${left} posts still wait for the network`);
  }));
});
