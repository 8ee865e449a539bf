// Portfolio charts: the cost-versus-value bubbles with the break-even diagonal, and a 12-month
// sparkline per row. Data comes from json_script; a click on a bubble opens its project.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") {
    return;
  }
  const read = (id) => {
    const source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  };

  const canvas = document.getElementById("portfolio-chart");
  const bubbles = read("portfolio-bubbles");
  if (canvas && bubbles) {
    const labels = canvas.dataset;
    // Whole units in the page's language, as the table beside the chart shows them.
    const money = new Intl.NumberFormat(document.documentElement.lang, {
      style: "currency", currency: bubbles.currency, minimumFractionDigits: 0, maximumFractionDigits: 0,
    });
    let top = 1;
    bubbles.datasets.forEach((dataset) => dataset.data.forEach((point) => { top = Math.max(top, point.x, point.y); }));
    const diagonal = {
      type: "line", label: labels.breakEven, data: [{ x: 0, y: 0 }, { x: top, y: top }],
      borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, fill: false,
    };
    const chart = new Chart(canvas, {
      type: "bubble",
      data: { datasets: [diagonal, ...bubbles.datasets] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: document.documentElement.lang,
        scales: {
          x: { beginAtZero: true, max: top * 1.05, title: { display: true, text: `${labels.xLabel} (${bubbles.currency})` } },
          y: { beginAtZero: true, max: top * 1.05, title: { display: true, text: `${labels.yLabel} (${bubbles.currency})` } },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            filter: (item) => item.raw && item.raw.name !== undefined,
            callbacks: {
              label: (item) => `${item.raw.name}: ${money.format(item.raw.x)} / ${money.format(item.raw.y)} · ${item.raw.hours} ${labels.toilLabel}`,
            },
          },
        },
        onHover: (event, elements) => {
          const onBubble = elements.some((element) => element.datasetIndex > 0);
          event.native.target.style.cursor = onBubble ? "pointer" : "default";
        },
        onClick: (event, elements) => {
          const hit = elements.find((element) => element.datasetIndex > 0);
          if (hit) {
            window.location.href = chart.data.datasets[hit.datasetIndex].data[hit.index].url;
          }
        },
      },
    });
  }

  const lines = read("portfolio-sparklines") || {};
  document.querySelectorAll("canvas.portfolio-sparkline").forEach((spark) => {
    const line = lines[spark.dataset.project];
    if (!line) {
      return;
    }
    const points = { pointRadius: 0, borderWidth: 1.5, tension: 0.3 };
    new Chart(spark, {
      type: "line",
      data: {
        labels: line.cost.map((_value, index) => index),
        datasets: [
          { data: line.cost, borderColor: "#dc3545", ...points },
          { data: line.value, borderColor: "#198754", ...points },
        ],
      },
      options: {
        animation: false, responsive: false, events: [],
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: { x: { display: false }, y: { display: false, beginAtZero: true } },
      },
    });
  });
});

// Keep the filter URL short and shareable: empty choices are left out of the query.
document.addEventListener("submit", (event) => {
  if (!event.target.matches("form[data-portfolio-filters]")) {
    return;
  }
  event.target.querySelectorAll("select, input").forEach((field) => {
    if (field.name && field.value === "") {
      field.disabled = true;
    }
  });
});
