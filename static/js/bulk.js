// Drives a bulk job: asks the server for one chunk at a time until the job is done.
(function () {
  "use strict";
  const panel = document.getElementById("bulk-progress");
  if (!panel) return;
  const token = document.querySelector("meta[name=csrf-token]");
  const bar = panel.querySelector(".progress-bar");
  const words = { running: "Working…", done: "Finished.", failed: "Stopped: " };
  function show(job) {
    bar.style.width = job.percent + "%";
    bar.textContent = job.percent + " %";
    bar.setAttribute("aria-valuenow", String(job.percent));
    panel.querySelector("#bulk-done").textContent = job.done.toLocaleString("en");
    panel.querySelector("#bulk-total").textContent = job.total.toLocaleString("en");
    panel.querySelector("#bulk-status").textContent = words[job.status];
    panel.querySelector("#bulk-error").textContent = job.error || "";  // text, never HTML
    panel.dataset.status = job.status;
    const rest = panel.querySelector("#bulk-rest");  // a restore job: what is still in the trash
    if (rest && typeof job.total === "number") rest.textContent = (job.total - job.done).toLocaleString("en");
    panel.querySelectorAll("[data-when]").forEach(function (part) {
      part.hidden = part.dataset.when !== job.status;
    });
  }
  async function step() {
    const response = await fetch(panel.dataset.stepUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token ? token.content : "" },
      credentials: "same-origin",
    });
    if (!response.ok) {
      show({ percent: 0, done: "?", total: "?", status: "failed", error: "the server answered " + response.status });
      return;
    }
    const job = await response.json();
    show(job);
    if (job.status === "running") step();
  }
  if (panel.dataset.status === "running") step();
})();
