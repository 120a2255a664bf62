/* Cổng thông tin Công đoàn — small enhancements only: every page works without this file. */
(function () {
  "use strict";
  // htmx requests carry the page's CSRF token (the same token the forms post).
  document.addEventListener("htmx:configRequest", function (event) {
    var field = document.querySelector("input[name=csrf_token]");
    if (field) event.detail.headers["X-CSRF-Token"] = field.value;
  });
  // A form being sent cannot be sent twice by a second click.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sending) { event.preventDefault(); return; }
    form.dataset.sending = "1";
    var button = form.querySelector("button[type=submit]");
    if (button && button.dataset.busy) button.textContent = button.dataset.busy;
  });
  // A form sent back with problems: the summary of them takes the focus, so it is read out first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
  });
  // Back from the browser's cache: the form may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (f) { delete f.dataset.sending; });
  });
})();
