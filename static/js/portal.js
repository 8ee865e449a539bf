// Behaviour shared by every page. No inline scripts: the content security policy forbids them.

// A page answered to a form names its own address: a reload then reads the page, instead of sending the
// form again (a second API token, say).
document.addEventListener("DOMContentLoaded", () => {
  const page = document.querySelector("[data-page-address]");
  if (page && window.location.pathname !== page.dataset.pageAddress) {
    window.history.replaceState(null, "", page.dataset.pageAddress);
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
