// Dragoman web: progressive enhancement only (every page works without script).
(function () {
  "use strict";
  // Network: hovering a node dims the edges that do not touch it.
  var svg = document.getElementById("network");
  if (svg) {
    var edges = svg.querySelectorAll(".edge");
    var nodes = svg.querySelectorAll(".node");
    nodes.forEach(function (node) {
      node.addEventListener("mouseenter", function () {
        var id = node.getAttribute("data-id");
        edges.forEach(function (e) {
          var on = e.getAttribute("data-source") === id || e.getAttribute("data-target") === id;
          e.classList.toggle("dim", !on);
        });
      });
      node.addEventListener("mouseleave", function () {
        edges.forEach(function (e) { e.classList.remove("dim"); });
      });
    });
  }
  // Filters: changing a select submits its form at once.
  document.querySelectorAll("form.filters select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
})();
