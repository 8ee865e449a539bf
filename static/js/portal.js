// Behaviour shared by every page. No inline scripts: the content security policy forbids them.

// A page answered to a form takes the address of the page the form was on: a reload then reads that page
// instead of sending the form again (a second API token, say), and the address can be bookmarked.
document.addEventListener("DOMContentLoaded", () => {
  const address = document.body.dataset.pageAddress;
  if (address && window.location.pathname + window.location.search !== address) {
    window.history.replaceState(null, "", address);
  }
});
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const box = document.getElementById("htmx-error");
  if (box) {
    box.textContent = status === 403 ? box.dataset.forbidden : box.dataset.failed;
    box.classList.remove("d-none");
  }
});

// The top bar's search: "/" anywhere outside a field goes to the box; results come under it as you type;
// Escape or a click elsewhere closes them.
document.addEventListener("keydown", (event) => {
  const box = document.getElementById("top-search");
  if (!box || event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest("input, textarea, select, [contenteditable]")) return;
  event.preventDefault();
  const menu = box.closest(".navbar-collapse");
  if (menu && !menu.classList.contains("show") && getComputedStyle(document.querySelector(".navbar-toggler")).display !== "none") {
    window.bootstrap.Collapse.getOrCreateInstance(menu).show();
  }
  box.focus();
  box.select();
});
document.addEventListener("htmx:afterSwap", (event) => {
  const panel = document.getElementById("search-suggestions");
  if (event.detail.target === panel) {
    panel.hidden = !document.getElementById("top-search").value.trim();
  }
});
function closeSuggestions() {
  const panel = document.getElementById("search-suggestions");
  if (panel) panel.hidden = true;
}
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && event.target.id === "top-search") closeSuggestions();
});
document.addEventListener("click", (event) => {
  if (!event.target.closest(".top-search")) closeSuggestions();
});
