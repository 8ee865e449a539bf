// Behaviour shared by every page. No inline scripts: the content security policy forbids them.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const box = document.getElementById("htmx-error");
  if (box) {
    box.textContent = status === 403 ? box.dataset.forbidden : box.dataset.failed;
    box.classList.remove("d-none");
  }
});
