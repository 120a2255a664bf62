// Moderation pages: small enhancements only; every action works without this file (POST → 303).
(function () {
  "use strict";
  // After htmx swapped the page's main part (an approve/hide answered by the same 303 page),
  // the person hears and sees the result: the notice takes the focus.
  document.addEventListener("htmx:afterSwap", function () {
    var notice = document.querySelector("#noi-dung .notice.flash, #noi-dung .notice.error");
    var target = notice || document.getElementById("noi-dung");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  });
  // A refused answer: the page comes back with the message beside the field; put the focus there.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector(".mod-answer-form [aria-invalid=true], #form-mo-lai [aria-invalid=true]");
    if (invalid) invalid.focus();
  });
})();
