import { initAll as initGovuk } from "../vendor/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/moj-frontend.min.js";

initGovuk();
initMoj();

// Print buttons (no inline script: CSP).
for (const button of document.querySelectorAll("[data-cshub-print]")) {
  button.addEventListener("click", () => window.print());
}

// Language guidance: as the worker types in a text area marked data-language-guidance,
// show advice on phrases that blame a child or leave risk vague (advice, never a block).
// The server renders the same advice on each page load; this keeps it current while typing.
const guided = document.querySelectorAll("textarea[data-language-guidance]");
if (guided.length) {
  let phrases = null;
  const load = async () => {
    if (phrases === null) {
      const response = await fetch("/language/phrases.json", { credentials: "same-origin" });
      phrases = response.ok ? (await response.json()).phrases : [];
      for (const p of phrases) {
        const words = p.phrase.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
        p.re = new RegExp("\\b" + words.join("\\s+") + "\\b", "i");
      }
    }
    return phrases;
  };
  const render = (box, found) => {
    box.replaceChildren();
    if (!found.length) return;
    const panel = document.createElement("div");
    panel.className = "govuk-inset-text cshub-language__panel";
    const title = document.createElement("p");
    title.className = "govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1";
    title.textContent = "Language guidance (advice only)";
    const list = document.createElement("ul");
    list.className = "govuk-list";
    for (const p of found) {
      const item = document.createElement("li");
      item.append(`\u201c${p.phrase}\u201d: ${p.why} `, document.createElement("br"));
      const instead = document.createElement("span");
      instead.className = "govuk-!-font-weight-bold";
      instead.textContent = "Instead:";
      item.append(instead, ` ${p.instead}`);
      list.append(item);
    }
    panel.append(title, list);
    box.append(panel);
  };
  for (const area of guided) {
    const box = document.getElementById(`${area.id}-language`);
    if (!box) continue;
    let timer;
    area.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const list = await load();
        render(box, list.filter((p) => p.re.test(area.value)));
      }, 400);
    });
  }
}
