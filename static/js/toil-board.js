// The toil kanban: drag a card to another column (SortableJS); the card's own "Move" form is the
// keyboard/menu alternative and the one path that talks to the server.
(function () {
  function columnFor(status) {
    return document.querySelector('.toil-column-list[data-status="' + status + '"]');
  }

  function adjustCount(status, delta) {
    const badge = document.querySelector('[data-count="' + status + '"]');
    if (badge) badge.textContent = String(Number(badge.textContent) + delta);
  }

  function setUp() {
    if (typeof Sortable === "undefined") return;
    document.querySelectorAll(".toil-column-list").forEach((list) => {
      if (list.dataset.sortable) return;
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: "toil",
        draggable: ".toil-card[data-editable]",
        animation: 150,
        onEnd: (event) => {
          if (event.from === event.to) return;
          const form = event.item.querySelector(".move-form");
          form.querySelector("select[name=status]").value = event.to.dataset.status;
          htmx.trigger(form, "submit");
        },
      });
    });
  }

  // After a move the server returns the card with its status: put it in that column if it is not there.
  document.addEventListener("htmx:afterSettle", () => {
    document.querySelectorAll(".toil-card[data-status]").forEach((card) => {
      const list = card.closest(".toil-column-list");
      if (!list || list.dataset.status === card.dataset.status) return;
      const target = columnFor(card.dataset.status);
      if (!target) return;
      adjustCount(list.dataset.status, -1);
      adjustCount(card.dataset.status, 1);
      target.prepend(card);
    });
    setUp();
  });
  // A drag moves the card before the server answers: keep the counts honest at once.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const card = event.target.closest && event.target.closest(".toil-card");
    if (!card || !event.target.classList.contains("move-form")) return;
    const list = card.closest(".toil-column-list");
    if (list && list.dataset.status !== card.dataset.status) {
      adjustCount(card.dataset.status, -1);
      adjustCount(list.dataset.status, 1);
      card.dataset.status = list.dataset.status;
    }
  });
  document.addEventListener("DOMContentLoaded", setUp);
})();
