// Ledger chart: run cost stacked by category against realized value. Data comes from json_script.
// Drawn on load, and again when an added or voided entry brings the figures back (htmx, out of band).
function drawLedgerChart() {
  const canvas = document.getElementById("ledger-chart");
  const source = document.getElementById("ledger-chart-data");
  if (!canvas || !source || typeof Chart === "undefined" || canvas.dataset.drawn === "1") {
    return;
  }
  canvas.dataset.drawn = "1";
  const data = JSON.parse(source.textContent);
  const labels = canvas.dataset;
  const money = new Intl.NumberFormat(document.documentElement.lang, { style: "currency", currency: labels.currency });
  // The running month has not finished: its bars are pale, the value line to it dashed, its label "so far".
  const partial = data.partial;
  const isPartial = (index) => partial !== null && index >= partial;
  const bar = (key, colour) => ({
    type: "bar", label: labels[key], data: data[key], stack: "cost",
    backgroundColor: (context) => (isPartial(context.dataIndex) ? `${colour}66` : colour),
  });
  new Chart(canvas, {
    data: {
      labels: data.labels.map((label, index) => (isPartial(index) ? `${label} (${labels.soFar})` : label)),
      datasets: [
        bar("cloud", "#4e79a7"),
        bar("licences", "#f28e2b"),
        bar("people", "#76b7b2"),
        bar("toil", "#e15759"),
        bar("other", "#bab0ac"),
        {
          type: "line", label: labels.value, data: data.value, borderColor: "#59a14f", backgroundColor: "#59a14f", tension: 0,
          segment: { borderDash: (context) => (isPartial(context.p1DataIndex) ? [5, 4] : undefined) },
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: document.documentElement.lang,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${money.format(item.parsed.y)}` } },
      },
    },
  });
}
document.addEventListener("DOMContentLoaded", drawLedgerChart);
document.addEventListener("htmx:afterSettle", drawLedgerChart);

// Progress bars take their width from a data attribute: the CSP forbids inline styles set by the server.
function sizeProgressBars(root) {
  root.querySelectorAll(".progress-bar[data-width]").forEach((bar) => {
    bar.style.width = `${bar.dataset.width}%`;
  });
}
document.addEventListener("DOMContentLoaded", () => sizeProgressBars(document));
document.addEventListener("htmx:afterSwap", (event) => sizeProgressBars(event.target.parentElement || document));
