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

// A calculator works nothing out without signal: offline its inputs (and saving) are still,
// with the reason, and the figures shown are dated as downloaded, also when the page is the
// phone's copy. The entry page lists the people whose calculators the phone keeps.
(() => {
  const notice = document.getElementById("kept-calculation");
  if (!notice) return;
  const FROM_THE_COPY_MS = 2 * 60 * 1000; // rendered this long before it was opened: kept
  const reason = notice.querySelector("[data-offline-reason]");
  const asDownloaded = notice.querySelector("[data-as-downloaded]");
  const keptPeople = notice.querySelector("[data-kept-people]");
  const fromTheCopy = !navigator.onLine
    || performance.timeOrigin - Number(notice.dataset.rendered) > FROM_THE_COPY_MS;
  let workedOutHere = false; // figures swapped in since: not the downloaded ones
  let keptCount = 0;
  let listed = false; // the kept pages are read once, the first time the page is offline

  const controls = () => document.querySelectorAll(
    "#calculator input:not([type=hidden]), #calculator select, #calculator button, .calc-save button",
  );
  const update = () => {
    const offline = !navigator.onLine;
    reason.hidden = !offline;
    if (asDownloaded) asDownloaded.hidden = workedOutHere || !(offline || fromTheCopy);
    if (keptPeople) keptPeople.hidden = !offline || !keptCount;
    notice.hidden = [reason, asDownloaded, keptPeople].every((part) => !part || part.hidden);
    for (const control of controls()) control.disabled = offline;
    if (offline && keptPeople && !listed && "caches" in window) {
      listed = true;
      listKeptPeople();
    }
  };

  async function listKeptPeople() {
    if (!(await caches.has("pages"))) return;
    const pages = await caches.open("pages");
    const people = [];
    for (const request of await pages.keys()) {
      const url = new URL(request.url);
      if (url.pathname !== "/calculator" || !url.searchParams.has("person_id")) continue;
      const html = await (await pages.match(request)).text();
      const kept = new DOMParser().parseFromString(html, "text/html").getElementById("kept-calculation");
      if (kept?.dataset.person) people.push({ name: kept.dataset.person, href: url.pathname + url.search });
    }
    people.sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
    const list = keptPeople.querySelector("ul");
    list.replaceChildren(...people.map(({ name, href }) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = href;
      link.textContent = name;
      item.append(link);
      return item;
    }));
    keptCount = people.length;
    update();
  }

  // New figures worked out here are not the downloaded ones.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "calculator-results") return;
    workedOutHere = true;
    update();
  });
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  update();
})();
