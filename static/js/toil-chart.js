// Weekly toil share charts: bars per week, the cap and the warning level drawn as lines.
(function () {
  function draw(canvas) {
    if (canvas.dataset.drawn || typeof Chart === "undefined") return;
    const source = document.getElementById(canvas.dataset.toilChart);
    if (!source) return;
    canvas.dataset.drawn = "1";
    const data = JSON.parse(source.textContent);
    const colours = data.share.map((value) =>
      value === null ? "#adb5bd" : value >= data.cap ? "#dc3545" : value >= data.warning ? "#ffc107" : "#198754"
    );
    new Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: "Toil share (%)", data: data.share, backgroundColor: colours },
          { type: "line", label: "Cap (" + data.cap + "%)", data: data.labels.map(() => data.cap), borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0, fill: false },
          { type: "line", label: "Warning (" + data.warning + "%)", data: data.labels.map(() => data.warning), borderColor: "#fd7e14", borderDash: [2, 3], pointRadius: 0, fill: false },
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
