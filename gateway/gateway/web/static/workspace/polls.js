// Trưng cầu ý kiến: small enhancements; every page works without this file.
// * The builder shows a question's settings for its kind only (the server ignores the others).
// * The life-cycle forms ask once more before they act (their text already says what happens).
(function () {
  "use strict";

  function showKind(question) {
    var select = question.querySelector("[data-kind-select]");
    if (!select) return;
    var kind = select.value;
    question.querySelectorAll("[data-kinds]").forEach(function (part) {
      part.hidden = part.getAttribute("data-kinds").split(" ").indexOf(kind) === -1;
    });
  }

  document.querySelectorAll("[data-question]").forEach(function (question) {
    showKind(question);
    var select = question.querySelector("[data-kind-select]");
    if (select) select.addEventListener("change", function () { showKind(question); });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
