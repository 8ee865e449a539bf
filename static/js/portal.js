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
