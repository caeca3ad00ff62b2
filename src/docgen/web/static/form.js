// The meeting form's only script of its own (htmx does the rest).
//
// The selects that choose a person or a body by name must offer one as soon as it is typed
// into "Nhân sự" or "Cơ quan ban hành", not after the next button. The identifiers are made on
// the server (one rule, in Python), so the form is sent as it stands with _op=refresh and only
// the selects' options, and the identifiers made, are taken from the reply; nothing typed is
// replaced.
"use strict";

const TABLE_FIELD = /^(people|bodies)\.\d+\.(name|code|_key)$/;

async function refreshChoices(form) {
  const data = new FormData(form);
  data.set("_op", "refresh");
  let reply;
  try {
    reply = await fetch(form.action, { method: "POST", body: data, credentials: "same-origin" });
  } catch {
    return; // the next button press refreshes them anyway
  }
  if (!reply.ok) return;
  const fresh = new DOMParser().parseFromString(await reply.text(), "text/html");
  for (const select of form.querySelectorAll("select[data-ref]")) {
    const other = fresh.getElementById(select.id);
    if (!other) continue;
    const chosen = select.value; // a choice made while the reply was on its way stays
    select.replaceChildren(...Array.from(other.options, (o) => o.cloneNode(true)));
    if (Array.from(select.options).some((o) => o.value === chosen)) select.value = chosen;
  }
  for (const key of form.querySelectorAll('input[name$="._key"]')) {
    const other = fresh.getElementById(key.id);
    if (other && !key.value && other.value) key.value = other.value;
  }
  form.dispatchEvent(new CustomEvent("docgen:choices", { bubbles: true }));
}

document.addEventListener("change", (event) => {
  const input = event.target;
  if (input.form && input.form.id === "meeting-form" && TABLE_FIELD.test(input.name)) {
    refreshChoices(input.form);
  }
});
