// The decision editor: add and remove considered options inline.
document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add-option]");
  if (add) {
    const template = document.getElementById("adr-option-template");
    const list = document.getElementById("adr-options");
    const option = template.content.firstElementChild.cloneNode(true);
    list.appendChild(option);
    option.querySelector("input").focus();
    return;
  }
  const remove = event.target.closest("[data-remove-option]");
  if (remove) {
    const form = remove.closest("form");
    remove.closest(".adr-option").remove();
    form.dispatchEvent(new Event("input", { bubbles: true }));
  }
});
