// Copies the pinned GOV.UK Frontend and MoJ Frontend builds into frontend/build/,
// which Django serves as static files at /assets/ (their CSS refers to /assets/fonts
// and /assets/images). No CDN: council networks are closed.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "frontend", "build");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const moj = join(root, "node_modules", "@ministryofjustice", "frontend", "moj");
const cytoscape = join(root, "node_modules", "cytoscape", "dist");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor"), { recursive: true });
for (const [from, to] of [
  [join(govuk, "govuk-frontend.min.css"), "vendor/govuk-frontend.min.css"],
  [join(govuk, "govuk-frontend.min.js"), "vendor/govuk-frontend.min.js"],
  [join(moj, "moj-frontend.min.css"), "vendor/moj-frontend.min.css"],
  [join(moj, "moj-frontend.min.js"), "vendor/moj-frontend.min.js"],
  // The intelligence network drawn (its table works without it).
  [join(cytoscape, "cytoscape.esm.min.mjs"), "vendor/cytoscape.esm.min.js"],
]) {
  cpSync(from, join(out, to));
}
cpSync(join(govuk, "assets", "fonts"), join(out, "fonts"), { recursive: true });
cpSync(join(govuk, "assets", "images"), join(out, "images"), { recursive: true });
cpSync(join(moj, "assets", "images"), join(out, "images"), { recursive: true });
cpSync(join(govuk, "assets", "manifest.json"), join(out, "manifest.json"));
writeFileSync(join(out, ".built"), new Date().toISOString() + "\n");
console.log("frontend assets copied to frontend/build");
