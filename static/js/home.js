// A manager's home: every project's run cost and realized value month by month. The running month is
// drawn dashed and labelled "so far": it has not finished, so its low figures are not a fall.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("home-trend-chart");
  const source = document.getElementById("home-trend");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  const trend = JSON.parse(source.textContent);
  const text = canvas.dataset;
  const money = new Intl.NumberFormat(document.documentElement.lang, {
    style: "currency", currency: trend.currency, minimumFractionDigits: 0, maximumFractionDigits: 0,
  });
  const labels = trend.labels.map((label, index) => (index >= trend.partial_from ? `${label} (${text.soFar})` : label));
  const partial = (context) => (context.p1DataIndex >= trend.partial_from ? [5, 4] : undefined);
  const line = (label, data, colour) => ({
    label, data, borderColor: colour, backgroundColor: colour, tension: 0, pointRadius: 2,
    segment: { borderDash: partial },
  });
  new Chart(canvas, {
    type: "line",
    data: { labels, datasets: [line(text.costLabel, trend.cost, "#dc3545"), line(text.valueLabel, trend.value, "#198754")] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale: document.documentElement.lang,
      scales: { y: { beginAtZero: true, ticks: { callback: (value) => money.format(value) } } },
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { label: (context) => `${context.dataset.label}: ${money.format(context.parsed.y)}` } },
      },
    },
  });
});
