// The running meeting, enhanced: the decision and discussion autosave while typing, the
// other item forms are sent with fetch and the item is redrawn in place (no reload), and
// "Next item" opens the next item and puts the cursor in it. Only the open item comes with
// its forms: opening another fetches them (the item's section, swapped in). Without
// JavaScript every form still works (POST, then back to the item) and "Minute this item"
// opens the page with that item's forms.

const announcer = document.querySelector("[data-announcer]");
const csrfToken = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
const headers = () => ({ "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" });

function announce(text) {
  if (!announcer) return;
  announcer.textContent = "";
  window.setTimeout(() => { announcer.textContent = text; }, 50);
}

function markDecided(section, decided) {
  const cell = document.querySelector(`[data-decision-cell="${section.dataset.item}"]`);
  if (cell) cell.innerHTML = decided ? '<strong class="govuk-tag govuk-tag--green">Decided</strong>' : '<span class="govuk-body-s">Not yet</span>';
  const tags = section.querySelector(".cshub-item__tags");
  const tag = tags?.querySelector("[data-decided]");
  if (decided && tags && !tag) tags.insertAdjacentHTML("beforeend", '<strong class="govuk-tag govuk-tag--green" data-decided>Decided</strong>');
  if (!decided && tag) tag.remove();
}

function bindAutosave(section) {
  const form = section.querySelector("form[data-autosave]");
  if (!form) return;
  const status = form.querySelector("[data-save-status]");
  let timer = null;
  let dirty = false;
  let saving = Promise.resolve();
  const save = () => {
    window.clearTimeout(timer);
    if (!dirty) return saving;
    dirty = false;
    const body = new FormData(form);
    saving = saving.then(async () => {
      if (status) status.textContent = "Saving…";
      try {
        const response = await fetch(form.dataset.autosave, { method: "POST", body, headers: headers(), credentials: "same-origin" });
        const answer = await response.json();
        if (!response.ok || !answer.saved) throw new Error(answer.error || "Not saved");
        if (status) status.textContent = `Saved at ${answer.saved_at}`;
        markDecided(section, String(body.get(form.querySelector("textarea[name$=decision]").name) || "").trim() !== "");
      } catch (error) {
        dirty = true;
        if (status) status.textContent = `Not saved (${error.message}). Use the Save button.`;
      }
    });
    return saving;
  };
  form.addEventListener("input", () => {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 800);
  });
  form.addEventListener("focusout", () => { if (dirty) save(); });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    dirty = true;
    save();
  });
  section.cshubSave = save;
}

function bindFetchForms(section) {
  for (const form of section.querySelectorAll("form[data-fetch]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await section.cshubSave?.();
      const action = form.getAttribute("action");
      const response = await fetch(action, { method: "POST", body: new FormData(form), headers: headers(), credentials: "same-origin" });
      if (response.status >= 500 || !response.headers.get("content-type")?.includes("text/html")) {
        form.submit();
        return;
      }
      const template = document.createElement("template");
      template.innerHTML = (await response.text()).trim();
      const fresh = template.content.firstElementChild;
      if (!fresh) return;
      section.replaceWith(fresh);
      fresh.open = true;
      bind(fresh);
      window.GOVUKFrontend?.initAll?.({ scope: fresh });
      const summary = fresh.querySelector(".govuk-error-summary");
      if (summary) {
        summary.setAttribute("tabindex", "-1");
        summary.focus();
        return;
      }
      const again = fresh.querySelector(`form[action="${action}"]`);
      const first = again?.querySelector("textarea, select, input:not([type=hidden])");
      first?.focus();
      announce(action.includes("/actions/") ? "Action added" : action.includes("/shared/") ? "Information added" : "Saved");
    });
  }
}

function openItem(id, { focus = true } = {}) {
  const section = document.getElementById(`item-${id}`);  // a section swapped in keeps its id
  if (!section) return;
  section.open = true;
  section.scrollIntoView({ block: "start" });
  if (focus) section.querySelector("summary")?.focus();
}

async function loadForms(section) {
  const url = section.dataset.load;
  if (!url || section.cshubLoading) return;
  section.cshubLoading = true;
  try {
    const response = await fetch(url, { headers: headers(), credentials: "same-origin" });
    if (!response.ok || !response.headers.get("content-type")?.includes("text/html")) throw new Error(String(response.status));
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    const fresh = template.content.firstElementChild;
    if (!fresh) return;
    const hadFocus = section.contains(document.activeElement);
    section.replaceWith(fresh);
    fresh.open = true;
    bind(fresh);
    window.GOVUKFrontend?.initAll?.({ scope: fresh });
    if (hadFocus) fresh.querySelector("summary")?.focus();
  } catch (error) {
    section.cshubLoading = false;  // the "Minute this item" link still opens it without fetch
  }
}

function bind(section) {
  section.addEventListener("toggle", () => { if (section.open) loadForms(section); });
  if (section.open) loadForms(section);
  bindAutosave(section);
  bindFetchForms(section);
  const next = section.querySelector("[data-next-item]");
  next?.addEventListener("click", async (event) => {
    event.preventDefault();
    await section.cshubSave?.();
    section.open = false;
    openItem(next.dataset.nextItem);
  });
}

for (const section of document.querySelectorAll(".cshub-item")) bind(section);
for (const link of document.querySelectorAll("[data-open-item]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    openItem(link.dataset.openItem);
  });
}
const target = window.location.hash.match(/^#item-(\d+)$/);
if (target) openItem(target[1], { focus: false });
