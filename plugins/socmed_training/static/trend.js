/* Social-media training: draws a KIM's account trends with the core's vendored Chart.js.
 *
 * No inline script (the CSP forbids it): each chart's data comes from a JSON data block
 * <script type="application/json" id="socmed-trend-…"> rendered by the server with Jinja's tojson,
 * and is drawn into <div class="socmed-chart" data-chart="socmed-trend-…"><canvas></div>.
 * The table under the charts carries the same numbers, so the page works without JavaScript;
 * chart boxes stay hidden until a chart is drawn. Labels are drawn on the canvas, never as HTML.
 */
(function () {
  "use strict";
  if (typeof window.Chart !== "function") { return; }

  var PALETTE = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#d63384", "#20c997", "#ffc107", "#6c757d"];

  function readData(id) {
    var block = document.getElementById(id);
    if (!block || block.getAttribute("type") !== "application/json") { return null; }
    try { return JSON.parse(block.textContent); } catch (error) { return null; }
  }

  function datasets(data) {
    return (data.datasets || []).map(function (set, index) {
      var colour = PALETTE[index % PALETTE.length];
      return {
        label: String(set.label),
        data: set.data,
        borderColor: colour,
        backgroundColor: colour,
        spanGaps: true, // an account not checked on a date is a gap, not a zero
        tension: 0.2
      };
    });
  }

  function draw(box) {
    var data = readData(box.getAttribute("data-chart"));
    var canvas = box.querySelector("canvas");
    if (!data || !canvas || !(data.labels || []).length) { return; }
    box.hidden = false;
    box.setAttribute("data-drawn", "1");
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets(data) },
      options: {
        maintainAspectRatio: false,
        responsive: true,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: true } }
      }
    });
  }

  document.querySelectorAll(".socmed-chart[data-chart]").forEach(draw);
}());
