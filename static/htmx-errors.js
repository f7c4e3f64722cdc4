// Every failed HTMX request is said (htmx itself only declines to swap): a message in the
// user's language next to the control that sent it, and what it would have replaced is marked
// out of date, until a request from that control or into that target succeeds. A 422 is a form
// shown again with its messages: htmx swaps it as usual. The words come from #request-errors.
(() => {
  "use strict";
  const say = document.getElementById("request-errors")?.dataset;
  if (!say) return;
  const BY_STATUS = { 403: say.forbidden, 404: say.notFound, 409: say.conflict, 413: say.tooLarge, 429: say.tooMany };
  const LONGEST_SAID = 300; // a plain-text answer longer than this is not a message to show
  const failures = new Set(); // { elt, target, alert, note }

  // The server's own plain-text message (our error handlers answer HTMX so), else one per kind.
  function answerMessage(xhr) {
    const type = xhr.getResponseHeader("Content-Type") || "";
    const text = (xhr.responseText || "").trim();
    if (type.startsWith("text/plain") && text && text.length <= LONGEST_SAID) return text;
    if (xhr.status >= 500) return say.server;
    return BY_STATUS[xhr.status] || say.refused;
  }

  function clear(failure) {
    failure.alert.remove();
    failure.note.remove();
    failure.target?.classList.remove("stale");
    failures.delete(failure);
  }

  function place(alert, elt, target) {
    const form = elt.closest("form");
    if (!elt.isConnected) document.getElementById("main").prepend(alert);
    else if (target?.contains(elt)) target.after(alert); // not dimmed with what it stands beside
    else if (form) form.append(alert);
    else elt.after(alert);
  }

  function show(event, message) {
    const elt = event.target;
    const target = event.detail.target;
    for (const failure of failures) {
      if (failure.elt !== elt && failure.target !== target) continue;
      if (failure.alert.isConnected && failure.alert.textContent === message) return; // a poll failing again
      clear(failure);
    }
    const alert = document.createElement("p");
    alert.className = "request-error";
    alert.setAttribute("role", "alert");
    alert.textContent = message;
    place(alert, elt, target);
    const note = document.createElement("p");
    note.className = "stale-note";
    note.textContent = say.stale;
    if (target?.isConnected) {
      target.classList.add("stale");
      target.prepend(note);
    }
    failures.add({ elt, target, alert, note });
    alert.scrollIntoView({ block: "nearest" });
  }

  // A step on a person's card that cannot go is kept on the phone by offline.js (待发送), not
  // a failure to report.
  const keptOnPhone = (event) =>
    Boolean(window.indexedDB && document.getElementById("sync-status") && event.detail.elt?.closest?.("[data-card-step]")) &&
    event.detail.requestConfig?.verb === "post";

  document.addEventListener("htmx:responseError", (event) => show(event, answerMessage(event.detail.xhr)));
  document.addEventListener("htmx:sendError", (event) => {
    if (!keptOnPhone(event)) show(event, navigator.onLine ? say.unreachable : say.offline);
  });
  document.addEventListener("htmx:timeout", (event) => keptOnPhone(event) || show(event, say.timeout));
  // Cleared by a request that got through, from the same control or into the same target (or
  // one that replaced it).
  document.addEventListener("htmx:afterRequest", (event) => {
    if (!event.detail.successful) return;
    for (const failure of failures) {
      const replaced = failure.target && !failure.target.isConnected;
      if (failure.elt === event.target || failure.target === event.detail.target || replaced) clear(failure);
    }
  });
})();
