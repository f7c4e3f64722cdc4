// The installable app: registers the service worker (static/sw.js, served at /sw.js for the
// whole site) and, on a page of the teams while online, asks it now and then to refresh the
// copies of the member's pages kept for reading without signal. Nothing is shown.
(() => {
  if (!("serviceWorker" in navigator)) return;
  const EVERY_MS = 10 * 60 * 1000; // a refresh fetches only the pages changed since the last
  const LAST_REFRESH = "vg-offline-copies-at";
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
  // The offline queue's script is only on the teams' pages (base.html): they keep copies.
  if (!document.querySelector('script[src^="/static/offline.js"]')) return;
  navigator.serviceWorker.ready.then(async (registration) => {
    // No copies yet (a first sign-in, or signing out dropped them): refresh at once.
    const due = !(await caches.has("pages"))
      || Date.now() - (Number(localStorage.getItem(LAST_REFRESH)) || 0) >= EVERY_MS;
    if (!navigator.onLine || !due || !registration.active) return;
    localStorage.setItem(LAST_REFRESH, String(Date.now()));
    registration.active.postMessage({ type: "refresh" });
  });
})();

// The worklist kept for offline holds every household: it is searched on the phone, as the
// server searches (anyone's name or the address), so the search works without signal.
(() => {
  const rows = document.querySelector("#worklist-rows[data-every-household]");
  const search = document.querySelector("form.search-bar");
  if (!rows || !search) return;
  const narrow = () => {
    const words = search.elements.q.value.trim().toLowerCase();
    let found = 0;
    for (const list of rows.querySelectorAll("ol.worklist")) {
      let shown = 0;
      for (const item of list.querySelectorAll("li.work-item")) {
        item.hidden = Boolean(words) && !item.dataset.search.toLowerCase().includes(words);
        shown += !item.hidden;
      }
      list.hidden = !shown;
      const heading = list.previousElementSibling;
      if (heading && heading.tagName === "H2") heading.hidden = !shown;
      found += shown;
    }
    const none = rows.querySelector("[data-no-match]");
    if (none) none.hidden = found > 0;
  };
  search.addEventListener("htmx:beforeRequest", (event) => {
    event.preventDefault();
    narrow();
  });
  search.addEventListener("submit", (event) => {
    event.preventDefault();
    narrow();
  });
  narrow();
})();
