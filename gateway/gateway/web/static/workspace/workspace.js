// Trang quản trị: small enhancements only; every page works without this file.
(function () {
  "use strict";
  // htmx requests carry the page's CSRF token (the forms carry it as a field).
  document.addEventListener("htmx:configRequest", function (event) {
    var field = document.querySelector("input[name=csrf_token]");
    if (field) event.detail.headers["X-CSRF-Token"] = field.value;
  });
})();
