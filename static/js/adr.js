// The decision editor: considered options added and removed inline, the chosen option picked among
// them, people and records chosen in a searchable picker (Tom Select), and the preview drawn at open.
function optionTitles() {
  return [...document.querySelectorAll("#adr-options input[name=option_title]")]
    .map((input) => input.value.trim())
    .filter((title, index, titles) => title && titles.indexOf(title) === index);
}

// The chosen-option select lists the options as they are typed; a choice that is no longer an
// option stays listed so the server's refusal can point at it.
function refreshChosenOption() {
  const select = document.querySelector("select[data-chosen-option]");
  if (!select) return;
  const current = select.value;
  const titles = optionTitles();
  if (current && !titles.includes(current)) titles.push(current);
  const none = select.options[0];
  select.replaceChildren(none, ...titles.map((title) => new Option(title, title, false, title === current)));
}

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
    refreshChosenOption();
    form.dispatchEvent(new Event("input", { bubbles: true }));
  }
});

document.addEventListener("input", (event) => {
  if (event.target.matches("#adr-options input[name=option_title]")) refreshChosenOption();
});

function startPickers() {
  if (typeof TomSelect === "undefined") return;
  for (const select of document.querySelectorAll("select[data-picker]:not(.tomselected)")) {
    const words = select.closest("form").dataset;
    new TomSelect(select, {
      plugins: { remove_button: { title: words.removeLabel } },
      maxOptions: 50,
      hidePlaceholder: true,
      placeholder: select.dataset.picker === "people" ? words.peoplePlaceholder : words.recordsPlaceholder,
      render: { no_results: (data, escape) => `<div class="no-results">${escape(words.noMatch)}</div>` },
      // Each chosen item's remove button names what it removes, for screen readers too.
      onItemAdd(value, item) {
        const remove = item.querySelector(".remove");
        if (remove) remove.setAttribute("title", `${words.removeLabel} ${item.firstChild.textContent.trim()}`);
      },
    });
  }
}

document.addEventListener("DOMContentLoaded", startPickers);
