// Live pool panel: polls stats.json every 2 s and redraws gauges, tables and the chart in place.
(function () {
  "use strict";
  const panel = document.getElementById("pool-panel");
  if (!panel) { return; }
  const url = panel.dataset.statsUrl;
  const chart = new Chart(document.getElementById("pool-chart"), {
    type: "line",
    data: { labels: [], datasets: [
      { label: "in use", data: [], borderColor: "#dc3545", pointRadius: 0, tension: 0.2 },
      { label: "idle", data: [], borderColor: "#28a745", pointRadius: 0, tension: 0.2 },
      { label: "overflow", data: [], borderColor: "#fd7e14", pointRadius: 0, tension: 0.2 },
    ] },
    options: { animation: false, maintainAspectRatio: false,
               scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const text = (selector, value) => {
    document.querySelectorAll(selector).forEach((el) => { el.textContent = value; });
  };
  function render(stats) {
    ["checked_out", "checked_in", "overflow", "open", "capacity", "threads"].forEach(
      (key) => text(`[data-gauge="${key}"]`, stats[key]));
    Object.entries(stats.waits).forEach(([key, value]) => text(`[data-wait="${key}"]`, value));
    document.querySelectorAll("[data-counter]").forEach((el) => {
      el.textContent = stats.counters[el.dataset.counter] || 0;
    });
    const held = document.querySelector("#pool-held tbody");
    const rows = stats.held.length ? stats.held : [{ held_s: null }];
    held.replaceChildren(...rows.map((h) => {
      if (h.held_s === null) {
        const empty = document.createElement("tr");
        empty.innerHTML = '<td colspan="3" class="text-muted">No connection is held right now.</td>';
        return empty;
      }
      const row = document.createElement("tr");
      [`${h.held_s.toFixed(1)} s`, h.holder, h.thread].forEach((value) => {
        const cell = document.createElement("td");
        cell.textContent = value;  // text, never HTML: holders are request paths
        row.appendChild(cell);
      });
      return row;
    }));
    const verdict = document.getElementById("pool-verdict");
    verdict.className = "alert alert-" + ({ ok: "success", warn: "warning", critical: "danger" })[stats.verdict.status];
    text("#verdict-status", stats.verdict.status.toUpperCase());
    const samples = stats.samples.slice(-600);
    // The zone every other time on the console is shown in (UTC unless the page says otherwise).
    const zone = panel.dataset.timeZone || "UTC";
    chart.data.labels = samples.map((s) => new Date(s.t * 1000).toLocaleTimeString("en-GB", { timeZone: zone, hour12: false }));
    chart.data.datasets[0].data = samples.map((s) => s.checked_out);
    chart.data.datasets[1].data = samples.map((s) => s.checked_in);
    chart.data.datasets[2].data = samples.map((s) => s.overflow);
    chart.update();
    panel.dataset.updated = String(Date.now());
  }
  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) { render(await response.json()); }
    } finally {
      setTimeout(poll, 2000);
    }
  }
  poll();
})();
