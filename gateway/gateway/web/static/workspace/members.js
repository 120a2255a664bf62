// Sổ đoàn viên: the import's progress bar follows the job every second (the page works without
// this file: it then refreshes itself every two seconds while the job runs). Once the job has
// ended the page is loaded again, with what the job did and the credentials sheet.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-progress-url");
  var bar = document.getElementById("tien-do-nhap");
  var text = document.getElementById("tien-do-chu");
  var state = document.getElementById("trang-thai-nhap");
  var shown = text ? text.textContent : "";

  function show(progress) {
    if (bar) {
      bar.max = Math.max(progress.total_rows, 1);
      bar.value = progress.done_rows;
      bar.textContent = progress.percent + "%";
    }
    // The live region speaks only when the figure changes.
    if (text && progress.text !== shown) { text.textContent = shown = progress.text; }
    if (state) {
      state.textContent = progress.state_label;
      state.className = "mb-state state-" + progress.state;
    }
  }

  function ask() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (progress) {
        if (!progress) { window.setTimeout(ask, 3000); return; }
        show(progress);
        if (progress.finished) { window.location.reload(); return; }
        window.setTimeout(ask, 1000);
      })
      .catch(function () { window.setTimeout(ask, 3000); });
  }

  window.setTimeout(ask, 1000);
})();
