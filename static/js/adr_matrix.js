// The decision matrix: drag a card to another cell, or use its Move menu; both ask for the reason in a dialog.
document.addEventListener("DOMContentLoaded", () => {
  const modalElement = document.getElementById("move-modal");
  const form = document.getElementById("move-form");
  let pending = null;

  function openMove(adr, cell, title) {
    if (!form || !modalElement) return;
    form.querySelector("[name=adr]").value = adr;
    form.querySelector("[name=cell]").value = cell;
    document.getElementById("move-title").textContent = title || "";
    bootstrap.Modal.getOrCreateInstance(modalElement).show();
  }

  if (modalElement) {
    modalElement.addEventListener("shown.bs.modal", () => form.querySelector("[name=reason]").focus());
    modalElement.addEventListener("hidden.bs.modal", () => {
      // A drag that was not confirmed goes back where it came from.
      if (pending) {
        const { item, from, index } = pending;
        from.insertBefore(item, from.children[index] || null);
        pending = null;
      }
    });
    form.addEventListener("submit", () => { pending = null; });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move-adr]");
    if (!button) return;
    const card = button.closest(".matrix-card");
    openMove(button.dataset.moveAdr, button.dataset.moveCell, card ? card.dataset.title : "");
  });

  document.querySelectorAll(".matrix-cell").forEach((list) => {
    Sortable.create(list, {
      group: "matrix",
      animation: 150,
      onEnd: (event) => {
        if (event.from === event.to) return;
        pending = { item: event.item, from: event.from, index: event.oldIndex };
        openMove(event.item.dataset.adr, event.to.dataset.cell, event.item.dataset.title);
      },
    });
  });

  const data = document.getElementById("matrix-chart-data");
  if (data) {
    const chart = JSON.parse(data.textContent);
    const colours = { conscious_reckless: "#dc3545", conscious_prudent: "#198754", unconscious_reckless: "#ffc107", unconscious_prudent: "#0dcaf0" };
    new Chart(document.getElementById("matrix-chart"), {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map((set) => ({ label: set.label, data: set.data, backgroundColor: colours[set.key] })),
      },
      options: { animation: false, scales: { x: { stacked: true }, y: { stacked: true, max: 100, ticks: { callback: (value) => value + "%" } } } },
    });
  }
});
