/* Keeps what a visitor typed or chose when htmx stores the page for the back button (issue 15).
   htmx remembers a page as its HTML, and typed text lives only in the fields' properties; copy it
   into the attributes just before htmx takes its copy. Without JavaScript the browser keeps the
   fields itself (they have autocomplete attributes and their values in the HTML). */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeHistorySave", function (event) {
    var root = (event.detail && event.detail.historyElt) || document.body;
    Array.prototype.forEach.call(root.querySelectorAll("input, textarea, select"), function (field) {
      if (field.type === "hidden" || field.type === "password" || field.type === "file") {
        return;
      }
      if (field.type === "checkbox" || field.type === "radio") {
        field.toggleAttribute("checked", field.checked);
      } else if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.toggleAttribute("selected", option.selected);
        });
      } else if (field.tagName === "TEXTAREA") {
        field.textContent = field.value;
      } else {
        field.setAttribute("value", field.value);
      }
    });
  });
})();
