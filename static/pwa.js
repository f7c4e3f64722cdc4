// The installable app: registers the service worker (static/sw.js, served at /sw.js for the
// whole site) and, on a page of the teams while online, asks it now and then to refresh the
// copies of the member's pages kept for reading without signal. Nothing is shown.
(() => {
  if (!("serviceWorker" in navigator)) return;
  const EVERY_MS = 10 * 60 * 1000; // tens of households: a refresh is some hundred KB
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
