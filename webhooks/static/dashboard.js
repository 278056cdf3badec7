// Draws the dashboard's charts from the JSON the page carries (no inline script: the page's
// Content-Security-Policy allows scripts from this site only).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var EN = document.documentElement.lang === "en";  // the page speaks one language (#16)
  var GREEN = "#07c160", BLUE = "#2f6fde", MUTED = "#6b7280";
  var HOURS = [0, 3, 6, 9, 12, 15, 18, 21];
  if (typeof Chart === "undefined") { return; }
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = MUTED;

  function yuan(fen) {
    return "¥" + (fen / 100).toLocaleString("zh-CN", { maximumFractionDigits: 0 });
  }

  function trend(t) {
    var canvas = document.getElementById("trend-chart");
    if (!canvas) { return; }
    new Chart(canvas, {
      data: {
        labels: t.labels,
        datasets: [
          { type: "bar", label: EN ? "Orders" : "订单", data: t.orders, backgroundColor: GREEN, yAxisID: "orders", order: 2 },
          { type: "line", label: "GMV", data: t.gmv_fen, borderColor: BLUE, backgroundColor: BLUE, yAxisID: "gmv", cubicInterpolationMode: "monotone", order: 1 }
        ]
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          orders: { position: "left", beginAtZero: true, ticks: { precision: 0 } },
          gmv: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { callback: yuan } }
        },
        plugins: {
          tooltip: { callbacks: { label: function (c) { return c.dataset.yAxisID === "gmv" ? "GMV " + yuan(c.parsed.y) : c.dataset.label + " " + c.parsed.y; } } },
          legend: { position: "bottom" }
        }
      }
    });
  }

  function heat(h) {
    var canvas = document.getElementById("heat-chart");
    if (!canvas || !h.cells.length) { return; }
    var max = Math.max.apply(null, h.cells.map(function (c) { return c.orders; }));
    var radius = Math.max(4, Math.min(16, canvas.parentNode.clientWidth / 40));
    new Chart(canvas, {
      type: "bubble",
      data: {
        datasets: [{
          label: EN ? "Orders" : "订单",
          data: h.cells.map(function (c) {
            return { x: c.hour, y: c.district, r: 3 + radius * Math.sqrt(c.orders / max), orders: c.orders };
          }),
          backgroundColor: h.cells.map(function (c) {
            return "rgba(217, 48, 37, " + (0.25 + 0.7 * c.orders / max).toFixed(2) + ")";
          })
        }]
      },
      options: {
        scales: {
          x: {
            type: "linear", min: -0.5, max: 23.5,
            // whole hours only (generated ticks would start at the -0.5 padding)
            afterBuildTicks: function (axis) { axis.ticks = HOURS.map(function (v) { return { value: v }; }); },
            ticks: { callback: function (v) { return v + ":00"; } },
            title: { display: true, text: EN ? "Hour the service starts" : "开始时段" }
          },
          y: { type: "category", labels: h.districts, offset: true }
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (c) { return c.raw.y + " " + c.raw.x + ":00 · " + c.raw.orders; } } }
        }
      }
    });
  }

  if (data.trend) { trend(data.trend); }
  if (data.heat) { heat(data.heat); }
})();
