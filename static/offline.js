// Offline writing (离线记录). A visit saved without signal waits in IndexedDB with its client
// UUID and the username of who recorded it, and goes to the idempotent API (POST
// /api/v1/visits) when the network returns, every minute while online, and on "Send now": sent
// twice, it is stored once. Only the signed-in user's records are sent, with her own token;
// anyone else's wait for them to sign in. Nothing is dropped unless the member deletes it.
// A visit that reached people is held while its "rest of the visit" (calculation, leaflet and
// outcome per person) is open, so that it is sent once, with all its parts.
// A step on a person's card (the household page) taken without signal waits too, as the form
// it would have sent: it goes to the same address later, in the order taken, and the server
// stores it once however often it arrives (待发送 on the card and in the worklist meanwhile).
(() => {
  "use strict";
  const bar = document.getElementById("sync-status");
  if (!bar || !window.indexedDB) return;
  const me = bar.dataset.user;
  const text = bar.dataset;
  const lastSyncKey = "vanguard.lastSync." + me;
  const TIMEOUT = 15000;
  const EVERY = 60000;
  const visitForm = document.querySelector("form[data-offline-visit]");
  const rest = document.querySelector("[data-offline-rest]");
  let sending = false;
  let again = false; // asked to send while a round was running: one more round after it
  let heldUuid = null; // the visit whose rest is open on this page

  // --- IndexedDB: visits (by client_uuid), tokens (by username), notices --------------------

  let opened;
  function database() {
    opened = opened || new Promise((resolve, reject) => {
      const request = indexedDB.open("vanguard-offline", 2);
      request.onupgradeneeded = () => {
        const db = request.result;
        const add = (name, options) => db.objectStoreNames.contains(name) || db.createObjectStore(name, options);
        add("visits", { keyPath: "client_uuid" });
        add("tokens", { keyPath: "username" });
        add("notices", { keyPath: "id", autoIncrement: true });
        add("steps", { keyPath: "client_uuid" }); // person-card steps taken without signal
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opened;
  }

  async function inStore(name, mode, work) {
    const tx = (await database()).transaction(name, mode);
    const request = work(tx.objectStore(name));
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }
  const all = (name) => inStore(name, "readonly", (s) => s.getAll());
  const get = (name, key) => inStore(name, "readonly", (s) => s.get(key));
  const put = (name, value) => inStore(name, "readwrite", (s) => s.put(value));
  const remove = (name, key) => inStore(name, "readwrite", (s) => s.delete(key));
  const mine = async (name) => (await all(name)).filter((row) => row.username === me);

  // --- small helpers -------------------------------------------------------------------------

  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key]);

  function newUuid() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64; // version 4
    bytes[8] = (bytes[8] & 63) | 128; // RFC 4122 variant
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // As a datetime-local field holds it: the phone's own clock and zone.
  function typedNow() {
    const now = new Date();
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }

  function shortTime(iso) {
    const when = new Date(iso);
    const lang = document.documentElement.lang;
    const time = { hour: "2-digit", minute: "2-digit" };
    const today = when.toDateString() === new Date().toDateString();
    return when.toLocaleString(lang, today ? time : { month: "numeric", day: "numeric", ...time });
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"];
    } catch {
      return "";
    }
  }

  function timedFetch(url, options) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT);
    return fetch(url, { ...options, signal: controller.signal }).finally(() => clearTimeout(timer));
  }

  // Browsers may clear a site's storage under pressure unless it is persistent: ask once.
  function askToPersist() {
    if (localStorage.getItem("vanguard.persistAsked") || !navigator.storage?.persist) return;
    localStorage.setItem("vanguard.persistAsked", "1");
    navigator.storage.persist();
  }

  // --- the token: from the cookie session, renewed when the API answers 401 --------------------

  async function bearer(renew) {
    const kept = await get("tokens", me);
    if (!renew && kept && Date.parse(kept.expires_at) > Date.now() + 60000) return kept.access_token;
    const response = await timedFetch("/offline/token", {
      method: "POST",
      headers: { "X-CSRF-Token": csrfToken() },
      redirect: "manual",
    });
    if (!response.ok) return null; // signed out: the records wait for the next sign-in
    const issued = await response.json();
    await put("tokens", { username: me, ...issued });
    return issued.access_token;
  }

  // --- sending ---------------------------------------------------------------------------------

  const postVisit = (record, token) =>
    timedFetch("/api/v1/visits", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
      body: JSON.stringify(record.visit),
    });

  async function refusal(response) {
    try {
      const detail = (await response.json()).detail;
      return Array.isArray(detail) ? detail.map((d) => d.msg).join(" ") : String(detail);
    } catch {
      return String(response.status);
    }
  }

  // A busy server (503) keeps nothing of the visit and says when to send again (Retry-After,
  // in seconds): the round stops there, every record kept, and starts again then.
  let comeBack = null;
  function comeBackWhenAsked(response) {
    const seconds = Number(response.headers.get("Retry-After")) || 5;
    clearTimeout(comeBack);
    comeBack = setTimeout(() => sendAll(false), Math.min(seconds, 300) * 1000);
  }

  // Refused records are tried again only when the member asks (Send now).
  async function sendAll(retryRefused) {
    if (sending) again = true;
    if (sending || !navigator.onLine) return;
    sending = true;
    render();
    try {
      const waiting = (await mine("visits")).filter((r) => !r.held && (retryRefused || !r.refused));
      let token = waiting.length ? await bearer(false) : null;
      for (const record of waiting) {
        if (!token) break;
        let response = await postVisit(record, token);
        if (response.status === 401) {
          token = await bearer(true);
          if (!token) break;
          response = await postVisit(record, token);
        }
        if (response.status === 503) return comeBackWhenAsked(response);
        if (response.ok) {
          await remove("visits", record.client_uuid);
          localStorage.setItem(lastSyncKey, new Date().toISOString());
          await checkHousehold(record, token);
        } else if (response.status >= 400 && response.status < 500 && response.status !== 401) {
          await put("visits", { ...record, refused: await refusal(response) });
        } // 401 again or a server error: it stays for the next round
      }
      await sendSteps(retryRefused);
    } catch {
      // No network after all: whatever was not sent stays queued.
    } finally {
      sending = false;
      render();
      if (again) {
        again = false;
        sendAll(false);
      }
    }
  }

  // --- conflicts: the household as downloaded against the server's now -----------------------

  async function checkHousehold(record, token) {
    const response = await timedFetch("/api/v1/households/" + record.visit.household_id, {
      headers: { Authorization: "Bearer " + token },
    });
    if (response.status === 404) return notice(record, text.moved, []);
    if (!response.ok) return;
    const changes = differences(record.downloaded, await response.json());
    if (changes.length) return notice(record, text.changed, changes);
  }

  function differences(was, now) {
    const changes = [];
    const names = now.people.map((p) => p.name);
    if (was.address !== now.address) changes.push(`${text.address}: ${was.address} → ${now.address}`);
    if (was.name !== (now.entity_name || "")) changes.push(`${text.name}: ${was.name} → ${now.entity_name || ""}`);
    if (was.assignee !== String(now.assignee_id ?? "")) changes.push(text.assignee);
    const added = names.filter((n) => !was.people.includes(n));
    const gone = was.people.filter((n) => !names.includes(n));
    if (added.length || gone.length) {
      changes.push(`${text.people}: ${[...added.map((n) => "+" + n), ...gone.map((n) => "−" + n)].join(" ")}`);
    }
    if (!changes.length && was.version !== now.version) changes.push(text.other);
    return changes;
  }

  const notice = (record, message, changes) =>
    put("notices", { username: me, label: record.label, message, changes, at: new Date().toISOString() });


  // --- person cards: steps kept on the phone ---------------------------------------------------

  const stepsWaiting = async () => (await mine("steps")).sort((a, b) => a.queued_at.localeCompare(b.queued_at));

  // What the step recorded, in the card's words: its name and the chips chosen.
  function stepSummary(form) {
    const chosen = Array.from(form.querySelectorAll('input[type="radio"]:checked'))
      .filter((input) => !["leaflet_medium", "follow_up_on"].includes(input.name))
      .map((input) => input.closest("label")?.textContent.trim())
      .filter(Boolean);
    return [form.dataset.stepLabel, ...chosen].join(" ");
  }

  async function keepStep(form, url, fields) {
    const card = form.closest(".person-card");
    const body = new URLSearchParams(fields);
    body.delete("csrf_token");
    if (!body.get("occurred_at")) body.set("occurred_at", typedNow());
    if (!body.get("client_uuid")) body.set("client_uuid", newUuid());
    await put("steps", {
      client_uuid: body.get("client_uuid"),
      username: me,
      household_id: Number(card.dataset.householdId),
      person_id: Number(card.dataset.personId),
      visit_uuid: body.get("visit_uuid") || "",
      label: card.querySelector("h3")?.textContent || "",
      summary: stepSummary(form),
      url,
      body: body.toString(),
      queued_at: new Date().toISOString(),
    });
    askToPersist();
    // The next step of this card is a new one: the form's UUID named this one.
    if (form.elements.client_uuid) form.elements.client_uuid.value = newUuid();
    form.closest(".calculator-in-card")?.replaceChildren(); // kept: the card's line says so
    await showKept();
    render();
  }

  function postStep(step) {
    const body = new URLSearchParams(step.body);
    body.set("csrf_token", csrfToken());
    return timedFetch(step.url, {
      method: "POST",
      headers: { "HX-Request": "true", "X-CSRF-Token": csrfToken() },
      body,
      redirect: "manual",
    });
  }

  // The card the server answered replaces the one on screen, if this household is open.
  function replaceCard(step, html) {
    const shown = document.getElementById("person-" + step.person_id);
    if (!shown || !window.htmx) return;
    const holder = document.createElement("template");
    holder.innerHTML = html;
    const card = holder.content.getElementById("person-" + step.person_id);
    const bar = holder.content.getElementById("visit-bar");
    if (card) {
      shown.replaceWith(card);
      htmx.process(card);
    }
    if (bar && document.getElementById("visit-bar")) {
      bar.removeAttribute("hx-swap-oob");
      document.getElementById("visit-bar").replaceWith(bar);
    }
  }

  async function sendSteps(retryRefused) {
    for (const step of await stepsWaiting()) {
      if (step.refused && !retryRefused) continue;
      const response = await postStep(step);
      const answer = await response.text();
      // Only the card answered is proof it was stored: a signed-out phone gets an empty 204.
      if (response.status === 200 && answer.includes(`id="person-${step.person_id}"`)) {
        await remove("steps", step.client_uuid);
        localStorage.setItem(lastSyncKey, new Date().toISOString());
        replaceCard(step, answer);
      } else if (response.status >= 400 && response.status < 500) {
        const page = document.createElement("template");
        page.innerHTML = answer;
        const said = page.content.querySelector(".field-error")?.textContent.trim();
        await put("steps", { ...step, refused: said || String(response.status) });
      } else {
        break; // signed out (a redirect) or a server error: it waits for the next round
      }
    }
    await showKept();
  }

  // On the household page: each card says what waits for it; the visit bar continues the visit
  // those steps started. In the worklist: the households with anything waiting.
  async function showKept() {
    const steps = await stepsWaiting();
    const visits = await mine("visits");
    for (const row of document.querySelectorAll("li.work-item[data-household-id]")) {
      const id = Number(row.dataset.householdId);
      const waiting = steps.some((s) => s.household_id === id) || visits.some((v) => v.visit.household_id === id);
      let tag = row.querySelector("[data-household-waiting]");
      if (waiting && !tag) {
        tag = document.createElement("span");
        tag.className = "tag off";
        tag.dataset.householdWaiting = "";
        tag.textContent = text.householdQueued;
        row.querySelector(".row, a")?.append(" ", tag);
      } else if (!waiting && tag) tag.remove();
    }
    for (const card of document.querySelectorAll(".person-card[data-person-id]")) {
      const mineHere = steps.filter((s) => s.person_id === Number(card.dataset.personId));
      let line = card.querySelector("[data-card-waiting]");
      if (!mineHere.length) {
        line?.remove();
        continue;
      }
      if (!line) {
        line = document.createElement("p");
        line.className = "queued";
        line.dataset.cardWaiting = "";
        card.querySelector(".row").after(line);
      }
      const said = mineHere.map((s) => s.summary + (s.refused ? ` (${text.refused} ${s.refused})` : ""));
      line.textContent = fill(text.queued, { steps: said.join(" · ") });
    }
    const here = Number(document.querySelector(".person-card")?.dataset.householdId);
    const bar = document.getElementById("visit-bar");
    if (!here || !bar) return;
    const started = steps.find((s) => s.visit_uuid && s.household_id === here);
    if (started) bar.querySelector('input[name="visit_uuid"]').value = started.visit_uuid;
    // Visits saved from the visit form without signal: when, and who was reached.
    const forms = visits.filter((v) => v.visit.household_id === here);
    let line = bar.querySelector("[data-visit-waiting]");
    if (!forms.length) return line?.remove();
    if (!line) {
      line = document.createElement("p");
      line.className = "queued";
      line.dataset.visitWaiting = "";
      bar.prepend(line);
    }
    const names = (v) => v.visit.person_ids.map((id) => document.querySelector(`#person-${id} h3`)?.textContent).filter(Boolean);
    line.textContent = fill(text.queued, {
      steps: forms.map((v) => [shortTime(v.queued_at), ...names(v)].join(" ")).join(" · "),
    });
  }

  // Without signal a card's request is kept instead of sent (or, online, when it cannot go).
  function isCardStep(elt) {
    return Boolean(elt?.closest?.("[data-card-step]") && elt.closest(".person-card"));
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const { elt, requestConfig } = event.detail;
    if (navigator.onLine) return;
    if (isCardStep(elt) && requestConfig.verb === "post") {
      event.preventDefault();
      keepStep(elt.closest("[data-card-step]"), requestConfig.path, requestConfig.formData);
    } else if (elt.matches?.("[data-open-calculator]")) {
      event.preventDefault();
      openKeptCalculator(elt);
    }
  });
  for (const failed of ["htmx:sendError", "htmx:timeout"]) {
    document.addEventListener(failed, (event) => {
      const { elt, requestConfig } = event.detail;
      if (isCardStep(elt) && requestConfig.verb === "post") {
        keepStep(elt.closest("[data-card-step]"), requestConfig.path, requestConfig.formData);
      }
    });
  }

  // The person's calculator page as the phone keeps it (its content), or null.
  async function keptCalculator(personId) {
    const kept = await caches.open("pages")
      .then((pages) => pages.match("/calculator?person_id=" + personId, { ignoreVary: true }))
      .catch(() => null);
    if (!kept) return null;
    const page = document.createElement("template");
    page.innerHTML = await kept.text();
    return page.content;
  }

  // What the kept comparison was worked out from, and with which parameters: the server works
  // it out again from these (never from the figures the phone showed).
  async function keptInputs(personId) {
    const save = (await keptCalculator(personId))?.querySelector("form.calc-save");
    if (!save) return null;
    const skip = ["csrf_token", "person_id", "visit_id", "client_uuid", "card"];
    const inputs = Object.fromEntries(
      Array.from(save.querySelectorAll('input[type="hidden"]'))
        .filter((input) => !skip.includes(input.name))
        .map((input) => [input.name, input.value]),
    );
    return { ...inputs, parameters_version: save.dataset.parametersVersion || "" };
  }

  // The calculation kept on the phone for this person, as downloaded (dated, no inputs to
  // change): saving it keeps the step, and the server works it out again from its inputs.
  async function openKeptCalculator(link) {
    const card = link.closest(".person-card");
    const place = card.querySelector(".calculator-in-card");
    const page = await keptCalculator(card.dataset.personId);
    const results = page?.getElementById("calculator-results");
    const save = results?.querySelector("form.calc-save");
    if (!save) {
      const said = document.createElement("p");
      said.className = "request-error";
      said.setAttribute("role", "alert");
      said.textContent = text.noKeptCalculation;
      return place.replaceChildren(said);
    }
    const dated = page.querySelector("[data-as-downloaded]");
    const note = document.createElement("p");
    note.className = "alert note";
    note.textContent = dated ? dated.textContent.trim() : "";
    save.dataset.cardStep = "calculation";
    save.dataset.stepLabel = card.querySelector('[data-step="calculation"] > span')?.textContent.trim() || "";
    save.dataset.keptCalculation = "";
    place.replaceChildren(note, ...results.childNodes);
  }

  // --- the status bar on every page ----------------------------------------------------------

  function item(label, message, details, action, onClick) {
    const li = document.createElement("li");
    const strong = document.createElement("strong");
    strong.textContent = label;
    li.append(strong, " " + message);
    for (const detail of details) {
      const line = document.createElement("span");
      line.className = "sync-change";
      line.textContent = detail;
      li.append(line);
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = action;
    button.addEventListener("click", async () => {
      await onClick();
      render();
    });
    li.append(button);
    return li;
  }

  // The server never took a refused record: deleted here, it is gone for good.
  async function discard(record) {
    if (!confirm(fill(text.discardConfirm, { label: record.label }))) return;
    await remove(record.url ? "steps" : "visits", record.client_uuid);
    await showKept();
  }

  async function render() {
    const records = await all("visits");
    const own = [...records.filter((r) => r.username === me), ...(await mine("steps"))];
    const notices = await mine("notices");
    const last = localStorage.getItem(lastSyncKey);
    const parts = [own.length ? fill(text.waiting, { count: own.length }) : last ? text.allSent : ""];
    if (last) parts.push(fill(text.lastSync, { time: shortTime(last) }));
    const others = new Map();
    for (const r of records.filter((r) => r.username !== me)) others.set(r.user_name, (others.get(r.user_name) || 0) + 1);
    for (const [user, count] of others) parts.push(fill(text.others, { count, user }));
    bar.querySelector("[data-sync-text]").textContent = sending ? text.sending : parts.filter(Boolean).join(" · ");
    bar.querySelector("[data-sync-now]").hidden = !own.length || sending;
    const problems = bar.querySelector("[data-sync-problems]");
    problems.replaceChildren(
      ...own.filter((r) => r.refused).map((r) =>
        item(r.label, `${text.refused} ${r.refused}`, [], text.discard, () => discard(r))),
      ...notices.map((n) => item(n.label, n.message, n.changes, text.dismiss, () => remove("notices", n.id))),
    );
    bar.dataset.waitingCount = own.length;
    bar.setAttribute("aria-busy", String(sending));
    bar.hidden = !(own.length || others.size || notices.length || last);
    return own.length;
  }

  // --- the visit form: sent while there is a signal, queued when there is none ----------------

  function visitIn(form) {
    const data = new FormData(form);
    const reached = data.get("reached") === "yes";
    const number = (name) => (data.get(name) ? Number(data.get(name)) : null);
    return {
      client_uuid: data.get("client_uuid"),
      household_id: Number(form.dataset.householdId),
      channel: data.get("channel"),
      reached,
      not_reached_reason: reached ? null : data.get("not_reached_reason"),
      person_ids: data.getAll("person_ids").map(Number),
      occurred_at: data.get("occurred_at") || typedNow(),
      notes: data.get("notes") || "",
      latitude: number("latitude"),
      longitude: number("longitude"),
      steps: [],
      outcomes: [],
      follow_up_on: null,
    };
  }

  async function queueVisit(form) {
    const visit = visitIn(form);
    const d = form.dataset;
    const people = rest ? restBlocks().filter((b) => visit.reached && visit.person_ids.includes(personOf(b))) : [];
    await put("visits", {
      client_uuid: visit.client_uuid,
      username: me,
      user_name: bar.dataset.userName,
      label: d.name || d.address,
      visit,
      downloaded: { version: Number(d.version), address: d.address, name: d.name, assignee: d.assignee, people: JSON.parse(d.people) },
      queued_at: new Date().toISOString(),
      held: people.length > 0,
    });
    askToPersist();
    form.hidden = true;
    document.querySelector("[data-offline-saved]").hidden = false;
    if (people.length) openRest(visit.client_uuid, people);
    render();
  }

  // --- the rest of a visit saved offline: per person, the calculation, leaflet and outcome ----

  const restBlocks = () => Array.from(rest.querySelectorAll("form[data-rest-person]"));
  const personOf = (block) => Number(block.dataset.restPerson);
  const TIERS = ["raise_tier", "join_resident"];

  function openRest(uuid, people) {
    heldUuid = uuid;
    for (const block of restBlocks()) {
      block.hidden = !people.includes(block);
      block.querySelector("[data-rest-error]").hidden = true;
    }
    rest.hidden = false;
  }

  // Sent as it is then: "Nothing more", another visit, leaving the page, or after "Save".
  async function release(additions) {
    const uuid = heldUuid;
    if (!uuid) return;
    heldUuid = null;
    rest.hidden = true;
    for (const block of restBlocks()) block.reset();
    const record = await get("visits", uuid);
    if (record) await put("visits", { ...record, visit: { ...record.visit, ...additions }, held: false });
    sendAll(false);
  }

  // Held records left by a page closed before it could release them go as they are.
  async function releaseLeftBehind() {
    for (const record of await mine("visits")) {
      if (record.held && record.client_uuid !== heldUuid) await put("visits", { ...record, held: false });
    }
  }

  function outcomeIn(block) {
    const f = block.elements;
    const code = f.code.value;
    if (!code) return null;
    const number = (text) => (text.trim() === "" ? null : Number(text));
    const to = code === "join_flexible" ? number(f.base_percent.value) : TIERS.includes(code) ? number(f.to_tier.value) : null;
    return {
      person_id: personOf(block),
      code,
      from: code === "raise_tier" ? number(f.from_value.value) : null,
      to,
      reason: code === "refused" ? f.reason.value.trim() : "",
    };
  }

  // The checks the server makes on an outcome, said before anything is sent.
  function problem(outcome, followUp) {
    const say = rest.dataset;
    if (!outcome) return "";
    const { code, from, to } = outcome;
    if (code === "undecided" && !followUp) return say.needDate;
    if (code === "refused" && !outcome.reason) return say.needReason;
    if (TIERS.includes(code) && to === null) return say.needTier;
    if (code === "raise_tier" && from !== null && to <= from) return say.higherTier;
    if (code === "join_flexible" && !(Number.isInteger(to) && to >= 60 && to <= 300)) return say.needBase;
    return "";
  }

  async function stepsIn(block) {
    const f = block.elements;
    const steps = [];
    if (f.calculation.checked) {
      const calculation = await keptInputs(personOf(block));
      steps.push({ person_id: personOf(block), kind: "calculation", ...(calculation && { calculation }) });
    }
    if (f.leaflet_id?.value) {
      const medium = f.leaflet_medium.value || "paper";
      steps.push({ person_id: personOf(block), kind: "leaflet", leaflet_id: Number(f.leaflet_id.value), leaflet_medium: medium });
    }
    return steps;
  }

  // Everything or nothing: one wrong outcome keeps the whole visit held until it is put right.
  async function saveRest() {
    const additions = { steps: [], outcomes: [], follow_up_on: null };
    const dates = [];
    let wrong = null;
    for (const block of restBlocks().filter((b) => !b.hidden)) {
      const outcome = outcomeIn(block);
      const followUp = block.elements.follow_up_on.value;
      const message = block.querySelector("[data-over-limit]")?.dataset.overLimit || problem(outcome, followUp);
      const shown = block.querySelector("[data-rest-error]");
      shown.textContent = message;
      shown.hidden = !message;
      wrong = wrong || (message ? block : null);
      additions.steps.push(...(await stepsIn(block)));
      if (outcome) additions.outcomes.push(outcome);
      if (outcome && followUp) dates.push(followUp);
    }
    if (wrong) return wrong.scrollIntoView();
    additions.follow_up_on = dates.sort()[0] || null; // the soonest date asked for
    release(additions);
  }

  // With a signal the server answers as usual: its next page, or the form with its messages
  // (sent again natively: nothing was stored, and the UUID names the same visit anyway).
  async function submitVisit(form) {
    const button = form.querySelector('[type="submit"]');
    button.disabled = true;
    try {
      if (navigator.onLine) {
        const body = new URLSearchParams(new FormData(form));
        const headers = { "HX-Request": "true" };
        const response = await timedFetch(form.action, { method: "POST", body, headers });
        const landed = new URL(response.url).pathname;
        const signedOut = landed === "/login" || response.status === 204 || response.headers.has("HX-Redirect");
        if (signedOut) throw new Error("signed out"); // kept, sent after signing in
        if (response.ok || response.status === 422) return answered(form, response.ok, await response.text());
        return HTMLFormElement.prototype.submit.call(form);
      }
    } catch {
      // No network or no answer in time: queued below.
    } finally {
      button.disabled = false;
    }
    await queueVisit(form);
  }

  // The server's answer in place: the visit saved, or the form with its messages.
  function answered(form, saved, html) {
    if (!saved) {
      form.innerHTML = html;
      return form.querySelector("[autofocus]")?.focus();
    }
    const place = document.querySelector("[data-visit-saved]");
    place.innerHTML = html;
    form.hidden = true;
    place.hidden = false;
    place.focus();
  }

  function recordAnother(form) {
    document.querySelector("[data-visit-saved]").hidden = true;
    if (heldUuid) release({});
    form.reset();
    form.elements.client_uuid.value = newUuid();
    form.elements.occurred_at.value = typedNow();
    form.hidden = false;
    document.querySelector("[data-offline-saved]").hidden = true;
    form.scrollIntoView();
  }

  // --- signing out with unsent records: warn in the page ---------------------------------------

  async function signOut(form) {
    await remove("tokens", me).catch(() => {});
    HTMLFormElement.prototype.submit.call(form);
  }

  async function confirmSignOut(form) {
    const warning = document.querySelector("[data-unsent-warning]");
    const count = await Promise.all([mine("visits"), mine("steps")]).then(([v, s]) => v.length + s.length, () => 0);
    if (!count || !warning) return signOut(form);
    warning.querySelector("[data-unsent-text]").textContent = fill(warning.dataset.message, { count });
    warning.hidden = false;
    warning.scrollIntoView();
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("form[data-offline-visit]")) {
      event.preventDefault();
      submitVisit(form);
    } else if (form.matches("form[data-rest-person]")) {
      event.preventDefault(); // Enter in a field: "Save" sends the rest
    } else if (form.matches("form[data-kept-calculation]")) {
      event.preventDefault();
      keepStep(form, "/calculator/save", keptCalculationFields(form));
    } else if (form.matches("form[data-logout]")) {
      event.preventDefault();
      confirmSignOut(form);
    }
  });

  document.addEventListener("click", async (event) => {
    const target = event.target.closest("button");
    if (!target) return;
    if (target.matches("[data-sync-now]")) sendAll(true);
    if (target.matches("[data-record-another]")) recordAnother(visitForm);
    if (target.matches("[data-rest-save]")) saveRest();
    if (target.matches("[data-rest-none]")) release({});
    if (target.matches("[data-logout-anyway]")) signOut(document.querySelector("form[data-logout]"));
    if (target.matches("[data-send-first]")) {
      await sendAll(true);
      if (!(await render())) document.querySelector("[data-unsent-warning]").hidden = true;
      else confirmSignOut(document.querySelector("form[data-logout]"));
    }
  });

  // A copy of the form kept for reading offline carries the UUID it was rendered with, maybe
  // already used: each showing of the form names a new visit.
  if (visitForm) visitForm.elements.client_uuid.value = newUuid();

  // The kept comparison's inputs, sent as a card's save: the visit bar names the visit.
  function keptCalculationFields(form) {
    const fields = new FormData(form);
    fields.set("card", "1");
    fields.set("client_uuid", newUuid());
    const visitId = form.closest(".person-card")?.dataset.visitId;
    if (visitId) fields.set("visit_id", visitId); // on the visit page: that visit's
    for (const input of document.querySelectorAll("#visit-bar input")) {
      if (input.type !== "radio" || input.checked) fields.set(input.name, input.value);
    }
    return fields;
  }

  window.addEventListener("online", () => sendAll(false));
  window.addEventListener("pagehide", () => heldUuid && release({}));
  setInterval(() => sendAll(false), EVERY);
  releaseLeftBehind().then(showKept).then(render).then(() => sendAll(false));
})();
