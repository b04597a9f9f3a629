// The network drawn with Cytoscape.js (served from /assets/vendor, no CDN), from the JSON
// the page holds (the same links as its table, which also names each link's type). Without JavaScript the table is the page.
import cytoscape from "/assets/vendor/cytoscape.esm.min.js";

const data = document.getElementById("network-data");
const box = document.querySelector("[data-network-graph]");
if (data && box) {
  const graph = JSON.parse(data.textContent);
  // The drawing and its key show only where it is drawn; without JavaScript the table is the page.
  document.querySelector("[data-network-drawing]")?.removeAttribute("hidden");
  const colour = { child: "#1d70b8", restricted: "#b1b4b6", adult: "#d4351c", place: "#00703c", group: "#4c2c92" };
  // Kept on the box for the browser check (tools/network-check.mjs): what was drawn.
  box.cy = cytoscape({
    container: box,
    elements: [
      ...graph.nodes.map((n) => ({ data: n, classes: [n.kind, n.centre ? "centre" : ""].join(" ") })),
      ...graph.edges.map((e) => ({ data: e })),
    ],
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 11,
          "text-valign": "bottom",
          "text-margin-y": 4,
          "background-color": (n) => colour[n.data("kind")] ?? "#505a5f",
          shape: (n) => ({ place: "round-rectangle", vehicle: "diamond", phone: "diamond", group: "hexagon", adult: "triangle" })[n.data("kind")] ?? "ellipse",
        },
      },
      { selector: "node.restricted", style: { "border-style": "dashed", "border-width": 2, "border-color": "#0b0c0c" } },
      { selector: "node.centre", style: { "border-width": 4, "border-color": "#ffdd00" } },
      {
        selector: "edge",
        style: {
          width: 1.5,
          "line-color": "#6f777b",
          "target-arrow-shape": "triangle",
          "target-arrow-color": "#6f777b",
          "curve-style": "bezier",
        },
      },
    ],
    layout: { name: "cose", animate: false, nodeRepulsion: () => 12000, idealEdgeLength: () => 90 },
  });
  // A window resized (a phone turned, a window narrowed): once it settles, the drawing takes
  // its box's new size and fits in it again.
  let settling;
  window.addEventListener("resize", () => {
    clearTimeout(settling);
    settling = setTimeout(() => {
      box.cy.resize();
      box.cy.fit(undefined, 30);
    }, 200);
  });
}
