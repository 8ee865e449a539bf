// Weekly toil share charts: bars per week, the cap and the warning level drawn as lines.
(function () {
  function draw(canvas) {
    if (canvas.dataset.drawn || typeof Chart === "undefined") return;
    const source = document.getElementById(canvas.dataset.toilChart);
    if (!source) return;
    canvas.dataset.drawn = "1";
    const data = JSON.parse(source.textContent);
    // One bar series per level, drawn in the same slot, so that the legend shows each bar colour with its meaning.
    const colours = { ok: "#198754", warning: "#ffc107", alert: "#dc3545" };
    const bars = ["ok", "warning", "alert"].map((level) => ({
      type: "bar", label: data.names[level], backgroundColor: colours[level], grouped: false,
      data: data.share.map((value, index) => (data.levels[index] === level ? value : null)),
    }));
    new Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          ...bars,
          { type: "line", label: data.names.cap, data: data.labels.map(() => data.cap), borderColor: "#dc3545", backgroundColor: "#dc3545", borderDash: [6, 4], pointRadius: 0, fill: false },
          { type: "line", label: data.names.warning_line, data: data.labels.map(() => data.warning), borderColor: "#fd7e14", backgroundColor: "#fd7e14", borderDash: [2, 3], pointRadius: 0, fill: false },
        ],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, suggestedMax: 100, ticks: { callback: (value) => value + "%" } } },
      },
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-toil-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
})();
