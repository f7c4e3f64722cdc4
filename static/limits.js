// No text cut silently. A browser's maxlength drops the end of a paste and stops typing without a
// word; here a field with maxlength takes everything instead, and says beside it, while it is
// too long, the limit and how much to remove. A form holding such a field is not sent (the
// offline visit form included: offline there is no server to refuse it); the member shortens
// what she sees rather than lose what she cannot see. Characters are counted as the server
// counts them (a 生僻字 outside the basic plane is one). The words come from #text-limits.
(() => {
  "use strict";
  const say = document.getElementById("text-limits")?.dataset;
  if (!say) return;
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key]);

  function adopt(root) {
    for (const field of root.querySelectorAll("[maxlength]")) {
      field.dataset.limit = field.maxLength;
      field.removeAttribute("maxlength");
      check(field); // a form shown again holds what was typed
    }
  }

  function noteOf(field) {
    let note = document.getElementById(`${field.id}-limit`);
    if (!note) {
      note = document.createElement("p");
      note.id = `${field.id}-limit`;
      note.className = "field-error";
      note.setAttribute("role", "status");
      field.after(note);
    }
    return note;
  }

  function check(field) {
    const limit = Number(field.dataset.limit);
    const count = Array.from(field.value.trim()).length;
    const over = count > limit;
    const message = over ? fill(say.tooLong, { limit, count, over: count - limit }) : "";
    if (!over && !("overLimit" in field.dataset)) return;
    const note = noteOf(field);
    note.textContent = message;
    note.hidden = !over;
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== `${field.id}-limit`);
    if (over) {
      field.dataset.overLimit = message;
      field.setAttribute("aria-invalid", "true");
      described.unshift(`${field.id}-limit`);
    } else {
      delete field.dataset.overLimit;
      if (!described.length) field.removeAttribute("aria-invalid");
    }
    if (described.length) field.setAttribute("aria-describedby", described.join(" "));
    else field.removeAttribute("aria-describedby");
  }

  adopt(document);
  document.addEventListener("htmx:load", (event) => adopt(event.target));
  document.addEventListener("input", (event) => {
    if (event.target.dataset?.limit) check(event.target);
  });
  // Before any other handler (htmx's, offline.js's): a form with a field too long stays here.
  document.addEventListener(
    "submit",
    (event) => {
      const over = event.target.querySelector("[data-over-limit]");
      if (!over) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      over.focus();
      over.scrollIntoView({ block: "center" });
    },
    true,
  );
})();
