import { initAll as initGovuk } from "../vendor/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/moj-frontend.min.js";

initGovuk();
initMoj();

// Print buttons (no inline script: CSP).
for (const button of document.querySelectorAll("[data-cshub-print]")) {
  button.addEventListener("click", () => window.print());
}
