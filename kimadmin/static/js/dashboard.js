/* KIM Admin dashboard: draws the charts of the admin home page with the vendored Chart.js.
 *
 * No inline script (CSP-ready): each chart's data comes from a JSON data block
 * <script type="application/json" id="chart-…-data"> rendered by the server with Jinja's tojson,
 * and is drawn into <div class="kim-chart" data-chart="chart-…-data"><canvas></div>.
 * The tables next to the charts carry the same numbers, so the page works without JavaScript;
 * chart boxes stay hidden until a chart is drawn. Clicking a bar opens the list it counts.
 */
(function () {
  "use strict";
  if (typeof window.Chart !== "function") { return; }

  var PALETTE = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#d63384", "#20c997", "#ffc107", "#6c757d"];
  var ROW_HEIGHT = 22; // px per bar of a horizontal chart, so every kecamatan gets a readable row

  function readData(id) {
    var block = document.getElementById(id);
    if (!block) { return null; }
    try { return JSON.parse(block.textContent); } catch (error) { return null; }
  }

  // Only same-site paths become navigation targets (the server builds them with url_for).
  function safeLink(link) {
    return typeof link === "string" && link.charAt(0) === "/" && link.charAt(1) !== "/" ? link : null;
  }

  function datasets(data) {
    return (data.datasets || []).map(function (set, index) {
      var colour = PALETTE[index % PALETTE.length];
      return { label: set.label, data: set.data, backgroundColor: colour, borderColor: colour, links: set.links || [] };
    });
  }

  function options(data) {
    var horizontal = Boolean(data.horizontal);
    var valueAxis = { beginAtZero: true, stacked: Boolean(data.stacked), ticks: { precision: 0 } };
    var categoryAxis = { stacked: Boolean(data.stacked), ticks: { autoSkip: false } };
    if (data.max) { valueAxis.max = data.max; }
    if (data.unit) {
      valueAxis.ticks.callback = function (value) { return value + " " + data.unit; };
    }
    return {
      indexAxis: horizontal ? "y" : "x",
      maintainAspectRatio: false,
      responsive: true,
      animation: false,
      scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: { display: (data.datasets || []).length > 1 },
        tooltip: {
          callbacks: {
            label: function (item) {
              var text = item.dataset.label + ": " + item.formattedValue;
              return data.unit ? text + " " + data.unit : text;
            }
          }
        }
      },
      onHover: function (event, elements) {
        event.native.target.style.cursor = elements.length ? "pointer" : "default";
      },
      onClick: function (event, elements, chart) {
        if (!elements.length) { return; }
        var element = elements[0];
        var link = safeLink(chart.data.datasets[element.datasetIndex].links[element.index]);
        if (link) { window.location.assign(link); }
      }
    };
  }

  function draw(box) {
    var data = readData(box.getAttribute("data-chart"));
    var canvas = box.querySelector("canvas");
    if (!data || !canvas || !(data.labels || []).length) { return; }
    box.hidden = false;
    if (data.horizontal) {
      box.style.height = Math.max(200, data.labels.length * ROW_HEIGHT + 60) + "px";
    }
    new window.Chart(canvas, { type: data.type || "bar", data: { labels: data.labels, datasets: datasets(data) }, options: options(data) });
  }

  document.querySelectorAll(".kim-chart[data-chart]").forEach(draw);
}());
