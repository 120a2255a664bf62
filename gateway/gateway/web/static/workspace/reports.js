// The evaluation's length as it is typed (the textarea's maxlength stops it at the limit; the
// server refuses longer text beside the field). Without this script nothing is lost.
(function () {
  "use strict";
  function counter(area) {
    var out = document.getElementById(area.getAttribute("data-counter"));
    var limit = parseInt(area.getAttribute("maxlength"), 10);
    if (!out || !limit) return;
    var show = function () {
      var left = limit - area.value.length;
      out.textContent = "Đã nhập " + area.value.length.toLocaleString("vi-VN") + " ký tự, còn " +
        Math.max(0, left).toLocaleString("vi-VN") + " ký tự.";
    };
    out.hidden = false;
    area.addEventListener("input", show);
    show();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-counter]").forEach(counter);
  });
})();
