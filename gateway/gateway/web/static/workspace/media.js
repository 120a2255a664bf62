// Thư viện ảnh và tệp: what a script adds to pages that work without it.
// * The upload form: the chosen file is checked first (type, size) and previewed; a file may be
//   dropped on its field; the form is sent by XMLHttpRequest with the session's CSRF token in a
//   header (streamed to media unread), with progress and a cancel button; media's refusal is
//   shown beside its field, success goes where the server says.
// * The grid: its thumbnails' links live a few minutes; back on the tab after a while, the page
//   is loaded again for fresh ones.
(function () {
  "use strict";

  var MB = 1024 * 1024;
  var TYPES = {
    "image/jpeg": "image", "image/png": "image", "image/webp": "image",
    "video/mp4": "video", "video/webm": "video",
    "application/pdf": "document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "document"
  };
  var EXTENSIONS = {
    jpg: "image", jpeg: "image", png: "image", webp: "image", mp4: "video", m4v: "video", webm: "video",
    pdf: "document", docx: "document"
  };
  var KIND_LABELS = { image: "Ảnh", video: "Video", document: "Tài liệu" };
  var FIELD_LABELS = {
    file: "Tệp", caption: "Chú thích", alt_text: "Văn bản thay thế", credit_user_id: "Tác giả ảnh",
    credit_name: "Tên tác giả hiển thị", source: "Nguồn", rights: "Bản quyền"
  };
  var DESCRIBED = ["caption", "alt_text", "credit_user_id", "credit_name", "source", "rights"];
  var LINKS_LIVE_MS = 4 * 60 * 1000;

  function megabytes(bytes) {
    var mb = (Number(bytes) || 0) / MB;
    if (bytes > 0 && mb < 0.01) return "< 0,01 MB";
    return mb.toLocaleString("vi-VN", { maximumFractionDigits: mb < 10 ? 2 : 1 }) + " MB";
  }

  function kindOf(file) {
    var type = String(file.type || "").toLowerCase();
    if (TYPES[type]) return TYPES[type];
    var m = /\.([a-z0-9]+)$/i.exec(file.name || "");
    return (m && EXTENSIONS[m[1].toLowerCase()]) || null;
  }

  // -- the grid ---------------------------------------------------------------------------------

  var grid = document.getElementById("luoi-tep");
  if (grid) {
    var loadedAt = Date.now();
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && Date.now() - loadedAt > LINKS_LIVE_MS) window.location.reload();
    });
  }

  // -- the upload form --------------------------------------------------------------------------

  var form = document.getElementById("form-tai-len");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var input = document.getElementById("file");
  var zone = document.getElementById("vung-tha-tep");
  var preview = document.getElementById("xem-truoc-tep");
  var fields = document.getElementById("truong-tai-len");
  var progressBox = document.getElementById("tien-do");
  var bar = document.getElementById("tien-do-tai-len");
  var progressLabel = document.getElementById("nhan-tien-do");
  var progressText = document.getElementById("chu-tien-do");
  var submit = document.getElementById("nut-tai-len");
  var cancel = document.getElementById("huy-tai-len");
  var summary = document.getElementById("tom-tat-loi");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var previewUrl = null;
  var job = null;

  function limitOf(kind) {
    return Number(input.getAttribute("data-max-" + kind)) || 0;
  }

  /** What is wrong with a file before sending it (media checks again, by its bytes), or null. */
  function problemOf(file) {
    if (!file) return "Chọn một tệp ảnh, video hoặc tài liệu để tải lên.";
    if (!file.size) return "Tệp rỗng, không có gì để tải lên.";
    var kind = kindOf(file);
    if (!kind) return "Loại tệp không được hỗ trợ. Chỉ nhận ảnh JPEG, PNG, WebP; video MP4, WebM; tài liệu PDF, DOCX.";
    var limit = limitOf(kind);
    if (limit && file.size > limit) {
      return KIND_LABELS[kind] + " được tải lên tối đa " + megabytes(limit) + "; tệp này nặng " + megabytes(file.size) + ".";
    }
    return null;
  }

  // Messages beside the fields, and the list of them at the top (as the server renders them).
  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (p) { p.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid=true]"), function (field) {
      field.removeAttribute("aria-invalid");
      var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id.indexOf("loi-") !== 0;
      });
      if (ids.length) field.setAttribute("aria-describedby", ids.join(" "));
      else field.removeAttribute("aria-describedby");
    });
    summary.hidden = true;
  }

  function showErrors(errors, message) {
    clearErrors();
    var list = summary.querySelector("ul");
    while (list.firstChild) list.removeChild(list.firstChild);
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var field = form.elements[name] || input;
      var text = errors[name];
      var note = document.createElement("p");
      note.className = "field-error";
      note.id = "loi-" + field.name;
      note.textContent = text;
      (field.closest(".field") || field.parentNode).appendChild(note);
      field.setAttribute("aria-invalid", "true");
      var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      ids.push(note.id);
      field.setAttribute("aria-describedby", ids.join(" "));
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + field.id;
      link.textContent = (FIELD_LABELS[field.name] || field.name) + ": " + text;
      item.appendChild(link);
      list.appendChild(item);
      if (!first) first = field;
    });
    if (!first) {
      var item = document.createElement("li");
      item.textContent = message || "Không tải được tệp lên. Vui lòng thử lại.";
      list.appendChild(item);
    }
    summary.hidden = false;
    (first || summary).focus();
  }

  function showPreview(file) {
    if (previewUrl) { URL.revokeObjectURL(previewUrl); previewUrl = null; }
    preview.hidden = true;
    preview.removeAttribute("src");
    if (file && kindOf(file) === "image" && file.size <= limitOf("image") && window.URL && URL.createObjectURL) {
      previewUrl = URL.createObjectURL(file);
      preview.src = previewUrl;
      preview.hidden = false;
    }
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    showPreview(file);
    var problem = file ? problemOf(file) : null;
    if (problem) showErrors({ file: problem });
    else clearErrors();
  });

  zone.addEventListener("dragover", function (event) {
    if (job) return;
    event.preventDefault();
    zone.classList.add("is-over");
  });
  zone.addEventListener("dragleave", function (event) {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove("is-over");
  });
  zone.addEventListener("drop", function (event) {
    zone.classList.remove("is-over");
    var files = event.dataTransfer && event.dataTransfer.files;
    if (job || !files || !files.length) return;
    event.preventDefault();
    try {
      var one = new DataTransfer();
      one.items.add(files[0]);
      input.files = one.files;
    } catch (e) {
      return; // an old browser: the file button still works
    }
    input.dispatchEvent(new Event("change"));
    input.focus();
  });

  function warnLeaving(event) {
    event.preventDefault();
    event.returnValue = "";
    return "";
  }

  function uploading(file) {
    fields.disabled = !!file;
    submit.disabled = !!file;
    progressBox.hidden = !file;
    cancel.hidden = !file;
    cancel.disabled = false;
    if (file) {
      progressLabel.textContent = "Đang tải lên «" + file.name + "»";
      bar.value = 0;
      progressText.textContent = "";
      window.addEventListener("beforeunload", warnLeaving);
    } else {
      window.removeEventListener("beforeunload", warnLeaving);
    }
  }

  cancel.addEventListener("click", function () {
    if (!job) return;
    cancel.disabled = true;
    job.abort();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (job) return;
    var file = input.files && input.files[0];
    var problem = problemOf(file);
    if (problem) { showErrors({ file: problem }); return; }
    clearErrors();
    // The description first: media checks it before it reads the file.
    var data = new FormData();
    DESCRIBED.forEach(function (name) {
      var value = String(form.elements[name].value || "").trim();
      if (value) data.append(name, value);
    });
    data.append("file", file, file.name);

    var xhr = new XMLHttpRequest();
    var sent = false;
    job = xhr;
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      var total = e.lengthComputable ? e.total : file.size;
      var pct = Math.min(100, Math.floor((e.loaded * 100) / (total || 1)));
      bar.value = pct;
      progressText.textContent = "Đã gửi " + pct + "% — " + megabytes(e.loaded) + " / " + megabytes(total);
    });
    xhr.upload.addEventListener("load", function () {
      sent = true;
      bar.removeAttribute("value"); // the server is working now
      progressText.textContent = kindOf(file) === "image"
        ? "Đã gửi xong. Máy chủ đang xử lý ảnh (kiểm tra nội dung, xóa thông tin vị trí, tạo bản thu nhỏ)…"
        : "Đã gửi xong. Máy chủ đang kiểm tra và lưu tệp…";
    });
    function done() {
      job = null;
      uploading(null);
    }
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      done();
      if (xhr.status >= 200 && xhr.status < 300 && answer && answer.location) {
        window.location.assign(answer.location);
        return;
      }
      var message = (answer && answer.message) ||
        (xhr.status === 401 ? "Phiên đăng nhập đã hết. Hãy đăng nhập lại rồi tải lên lần nữa." : "Không tải được tệp lên. Vui lòng thử lại.");
      var errors = (answer && answer.errors) || {};
      if (!Object.keys(errors).length) errors = { file: message };
      showErrors(errors, message);
    });
    xhr.addEventListener("error", function () {
      done();
      showErrors({ file: "Việc tải lên bị ngắt giữa chừng. Kiểm tra kết nối mạng rồi thử lại." });
    });
    xhr.addEventListener("abort", function () {
      done();
      showErrors({
        file: sent
          ? "Đã dừng chờ máy chủ. Tệp có thể vẫn được lưu: hãy xem lại thư viện trước khi tải lên lần nữa."
          : "Đã hủy tải lên «" + file.name + "»."
      });
    });
    uploading(file);
    xhr.send(data);
  });
})();
