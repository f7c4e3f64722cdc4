// The service worker, served at /sw.js so its scope is the whole site (app/routes/pwa.py
// fills in SHELL and VERSION). Online, every page still comes from the network; the phone
// keeps the app shell and the member's own pages so they open in a village without signal.
const SHELL = [];
const VERSION = "";
const SHELL_CACHE = `shell-${VERSION}`;
const PAGES_CACHE = "pages"; // the member's offline set: only what /offline/urls names
const OFFLINE_PAGE = "/offline";
const PATIENCE_MS = 4000; // slow 3G: show the kept copy rather than wait longer
const AT_ONCE = 4; // pages fetched side by side when refreshing the copies
// Never kept, whatever a list says: sign-in, passwords, the API and the list itself.
const NEVER_KEPT = /^\/(api\/|login|logout|account\/password|offline\/urls)/;

self.addEventListener("install", (event) => {
  // The fallback page is fetched without cookies: it must name no one.
  const requests = SHELL.map((url) => new Request(url, { credentials: "omit" }));
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // A deploy's new shell replaces the old one; the pages kept stay until the next refresh.
  const stale = (name) => name.startsWith("shell-") && name !== SHELL_CACHE;
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter(stale).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/logout") {
    event.respondWith(signOut(request));
  } else if (request.method !== "GET") {
    return;
  } else if (request.mode === "navigate") {
    event.respondWith(page(request, event));
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(asset(request));
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "refresh") event.waitUntil(refreshOnce());
});

// Pages: network first. A kept copy answers when the network fails or is slower than
// PATIENCE_MS (and is brought up to date when the answer comes); else the offline page.
async function page(request, event) {
  const pages = await caches.open(PAGES_CACHE);
  const kept = await pages.match(request, { ignoreVary: true });
  const fresh = fetch(request).then(async (response) => {
    if (kept && keepable(request.url, response)) await pages.put(request.url, response.clone());
    return response;
  });
  event.waitUntil(fresh.catch(() => undefined));
  if (!kept) return fresh.catch(offlinePage);
  const patience = new Promise((resolve) => setTimeout(() => resolve(kept), PATIENCE_MS));
  return Promise.race([fresh, patience]).catch(() => kept);
}

async function offlinePage() {
  const shell = await caches.open(SHELL_CACHE);
  return (await shell.match(OFFLINE_PAGE)) || Response.error();
}

// Static files carry a content hash (?v=…): a kept one is the same bytes. Offline, a page
// kept before a deploy asks for the older hash: the current file of that name answers.
async function asset(request) {
  const shell = await caches.open(SHELL_CACHE);
  const url = new URL(request.url);
  const kept = url.searchParams.has("v") && (await shell.match(request));
  if (kept) return kept;
  try {
    return await fetch(request);
  } catch (error) {
    return (await shell.match(request, { ignoreSearch: true })) || Response.error();
  }
}

// Signing out forgets the pages kept for that member (a phone may be shared); only once the
// server has signed them out, so a tap without signal loses nothing.
async function signOut(request) {
  const response = await fetch(request);
  if (response.ok || response.type === "opaqueredirect") await caches.delete(PAGES_CACHE);
  return response;
}

function keepable(url, response) {
  return (
    response.status === 200 &&
    !response.redirected &&
    !NEVER_KEPT.test(new URL(url).pathname) &&
    (response.headers.get("Content-Type") || "").startsWith("text/html") &&
    !/no-store/.test(response.headers.get("Cache-Control") || "")
  );
}

// Refreshing the copies: the server names the member's pages and those changed since the mark
// it gave the last complete refresh (kept with the pages, so signing out drops it too). The
// ones no longer named (a household reassigned, someone else signed in) are dropped; the
// changed ones and any not kept yet are fetched, as the copy for offline (OFFLINE_COPY).
let refreshing = null;
const SYNC_MARK = "/offline/synced";
const OFFLINE_COPY = { "X-Offline-Copy": "1" };

function refreshOnce() {
  if (!refreshing) refreshing = refresh().finally(() => { refreshing = null; });
  return refreshing;
}

async function refresh() {
  const href = (url) => new URL(url, self.location.origin).href;
  const pages = await caches.open(PAGES_CACHE);
  const mark = await pages.match(href(SYNC_MARK));
  const since = mark ? await mark.text() : "";
  const asked = "/offline/urls?since=" + encodeURIComponent(since);
  const answer = await fetch(asked, { cache: "no-store" }).catch(() => null);
  if (!answer || !answer.ok || answer.redirected) return;
  const { urls, changed, synced } = await answer.json();
  const wanted = new Set([...urls.map(href), href(SYNC_MARK)]);
  const kept = new Set();
  for (const request of await pages.keys()) {
    if (wanted.has(request.url)) kept.add(request.url);
    else await pages.delete(request);
  }
  const stale = new Set(changed.map(href));
  const queue = urls.map(href).filter((url) => stale.has(url) || !kept.has(url));
  let complete = true;
  const fetchNext = async () => {
    for (let url = queue.shift(); url; url = queue.shift()) {
      // Past the browser's own cache, which would also answer a page offline, with an older copy.
      const response = await fetch(url, { headers: OFFLINE_COPY, cache: "no-store" }).catch(() => null);
      if (response && keepable(url, response)) await pages.put(url, response);
      else complete = false;
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, fetchNext));
  // A page that could not be fetched is asked for again next time: the mark stays behind.
  if (complete) await pages.put(href(SYNC_MARK), new Response(synced));
}
