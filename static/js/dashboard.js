// Draws the dashboard's activity charts from the JSON the page embeds, so the page needs no
// inline script. Chart.js is served from static/vendor (no CDN).
(function () {
  "use strict";
  var source = document.getElementById("activity-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);

  function draw(canvasId, label, values, colour) {
    return new Chart(document.getElementById(canvasId), {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: label, data: values, backgroundColor: colour }],
      },
      options: {
        animation: false, // draw at once: screenshots and slow laptops see the final chart
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  }

  draw("chart-created", "Records created", data.created, "#007bff");
  draw("chart-deleted", "Records deleted", data.deleted, "#dc3545");
})();
