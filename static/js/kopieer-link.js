/* "Kopieer link" (issue 15): copies the value of the field named in the button's data-kopieer.
   The button is hidden in the HTML and shown here, so without JavaScript visitors only see the link,
   which they can select and copy themselves. The result is announced in the data-status element.
   A button with data-print ("Print deze vergelijking") is shown here too and opens the print dialog. */
(function () {
  "use strict";

  function copyBySelection(field, button) {
    var copied = false;
    field.focus();
    field.select();
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    button.focus();
    return copied;
  }

  function wire(button) {
    var field = document.getElementById(button.getAttribute("data-kopieer"));
    var status = document.getElementById(button.getAttribute("data-status"));
    if (!field) {
      return;
    }
    function report(copied) {
      if (status) {
        status.textContent = button.getAttribute(copied ? "data-gelukt" : "data-mislukt");
      }
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { report(true); },
          function () { report(copyBySelection(field, button)); }
        );
      } else {
        report(copyBySelection(field, button));
      }
    });
  }

  function wirePrint(button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-kopieer]"), wire);
    Array.prototype.forEach.call(document.querySelectorAll("button[data-print]"), wirePrint);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
