// Trang quản trị — viết bài: the rich-text editor (editor.js), the live sum of the authors' shares, photos
// by drag and drop with upload progress, the draft kept in the browser and saved periodically.
// The form works without this file: a textarea of HTML, a plain file input, the buttons.
(function () {
  "use strict";
  var form = document.getElementById("bai-viet-form");
  if (!form) return;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var storageKey = "congdoan:bai-viet:" + form.getAttribute("data-article");
  var NOT_KEPT = { csrf_token: true, photo_file: true, revision: true, status: true, hanh_dong: true };
  var body = document.getElementById("body");

  // -- the editor ---------------------------------------------------------------------------

  var editor = window.workspaceEditor
    ? window.workspaceEditor({
        holder: document.getElementById("trinh-soan-thao"),
        field: body,
        actions: ["bold", "italic", "heading2", "paragraph", "quote", "olist", "ulist", "link"],
        linkTitle: "Chèn liên kết",
        toolbarLabel: "Định dạng nội dung",
        onChange: remember,
      })
    : null;
  var editorContent = editor && editor.content;

  function setEditor(html) {
    if (editor) editor.set(html);
  }

  // -- co-authors and their shares ----------------------------------------------------------------

  var total = document.getElementById("tong-ti-le");
  function updateTotal() {
    if (!total) return;
    var sum = 0, any = false;
    form.querySelectorAll("input[name=author_share]").forEach(function (input) {
      var value = input.value.trim();
      if (value !== "") { any = true; sum += parseInt(value, 10) || 0; }
    });
    total.hidden = false;
    total.className = sum === 100 || !any ? "share-ok" : "share-bad";
    total.textContent = !any
      ? "Chưa nhập tỉ lệ: bài sẽ ghi bạn là tác giả duy nhất (100%)."
      : "Tổng tỉ lệ: " + sum + "%" + (sum === 100 ? " — hợp lệ." : " — cần bằng đúng 100%.");
  }
  form.addEventListener("input", function (event) {
    if (event.target.name === "author_share") updateTotal();
  });
  updateTotal();

  var addAuthor = document.getElementById("them-tac-gia");
  var authorRows = document.getElementById("dong-tac-gia");
  function addAuthorRow() {
    var rows = authorRows.querySelectorAll(".author-row");
    var copy = rows[rows.length - 1].cloneNode(true);
    var n = rows.length + 1;
    copy.querySelectorAll("input, select").forEach(function (field) {
      field.value = "";
      field.id = field.id.replace(/tac-gia-\d+/, "tac-gia-" + n);
    });
    copy.querySelectorAll("label").forEach(function (label) {
      label.htmlFor = label.htmlFor.replace(/tac-gia-\d+/, "tac-gia-" + n);
      label.textContent = label.textContent.replace(/\d+/, String(n));
    });
    authorRows.appendChild(copy);
    return copy;
  }
  if (addAuthor && authorRows) {
    addAuthor.hidden = false;
    addAuthor.addEventListener("click", function () {
      addAuthorRow().querySelector("select").focus();
    });
  }

  // -- photos: drag and drop, upload progress -----------------------------------------------------

  var zone = document.getElementById("vung-tha-anh");
  var fileInput = document.getElementById("photo_file");
  var progress = document.getElementById("tien-do-tai-anh");
  var list = document.getElementById("danh-sach-anh");

  function upload(file) {
    var item = document.createElement("li");
    var label = document.createElement("span");
    label.textContent = file.name + ": đang tải lên… ";
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Tiến độ tải " + file.name);
    item.appendChild(label);
    item.appendChild(bar);
    progress.appendChild(item);

    var data = new FormData();
    data.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/quan-tri/bai-viet/anh");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      if (xhr.status >= 200 && xhr.status < 300 && answer && answer.row) {
        bar.value = 100;
        label.textContent = file.name + ": đã tải lên. Hãy điền chú thích, mô tả và tác giả ảnh rồi bấm «Lưu nháp». ";
        if (!document.getElementById("anh-" + answer.id)) list.insertAdjacentHTML("beforeend", answer.row);
        remember();
      } else {
        item.classList.add("upload-failed");
        label.textContent = file.name + ": không tải lên được — " +
          ((answer && answer.message) || (xhr.status === 401 ? "phiên đăng nhập đã hết, hãy đăng nhập lại." : "vui lòng thử lại.")) + " ";
        bar.remove();
      }
    });
    xhr.addEventListener("error", function () {
      item.classList.add("upload-failed");
      label.textContent = file.name + ": mất kết nối khi tải lên, vui lòng thử lại. ";
      bar.remove();
    });
    xhr.send(data);
  }

  if (zone && fileInput && list && progress) {
    zone.hidden = false;
    document.getElementById("o-chon-tep").classList.add("visually-hidden");
    document.getElementById("chon-anh").addEventListener("click", function () { fileInput.click(); });
    fileInput.addEventListener("change", function () {
      Array.prototype.forEach.call(fileInput.files, upload);
      fileInput.value = "";
    });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      Array.prototype.forEach.call(event.dataTransfer.files, upload);
    });
  }

  // -- the draft kept in this browser, and the periodic save ------------------------------------

  function snapshot() {
    if (editorContent) body.value = editorContent.innerHTML;
    var kept = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || NOT_KEPT[field.name] || field.disabled) return;
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
      if (field.type === "submit" || field.type === "button" || field.type === "file") return;
      (kept[field.name] = kept[field.name] || []).push(field.value);
    });
    return kept;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  var rememberTimer = null;
  function remember() {
    clearTimeout(rememberTimer);
    rememberTimer = setTimeout(function () {
      try {
        localStorage.setItem(storageKey, JSON.stringify({ at: new Date().toISOString(), fields: snapshot() }));
      } catch (e) { /* storage full or refused: the server's autosave still runs */ }
    }, 800);
  }
  form.addEventListener("input", remember);
  form.addEventListener("change", remember);
  form.addEventListener("submit", function () { if (editorContent) body.value = editorContent.innerHTML; });

  function restore(fields) {
    var authorsWanted = (fields.author_user || []).length;
    while (authorRows && authorRows.querySelectorAll(".author-row").length < authorsWanted) addAuthorRow();
    Object.keys(fields).forEach(function (name) {
      var values = fields[name];
      var inputs = form.querySelectorAll("[name='" + name + "']");
      inputs.forEach(function (input, i) {
        if (input.type === "checkbox") input.checked = values.indexOf(input.value) >= 0;
        else if (i < values.length) input.value = values[i];
      });
    });
    if (fields.body) setEditor(fields.body[0]);
    updateTotal();
  }

  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { stored = null; }
  var loaded = snapshot();
  var notice = document.getElementById("khoi-phuc-nhap");
  if (stored && stored.fields && !same(stored.fields, loaded) && notice) {
    document.getElementById("khoi-phuc-luc").textContent = new Date(stored.at).toLocaleString("vi-VN");
    notice.hidden = false;
    document.getElementById("khoi-phuc").addEventListener("click", function () {
      restore(stored.fields);
      notice.hidden = true;
      (editorContent || body).focus();
    });
    document.getElementById("bo-ban-nhap").addEventListener("click", function () {
      localStorage.removeItem(storageKey);
      notice.hidden = true;
    });
  } else if (stored) {
    localStorage.removeItem(storageKey); // the page shows what was kept: nothing to offer
  }

  var autosaveUrl = form.getAttribute("data-autosave");
  var state = document.getElementById("trang-thai-luu");
  var lastSaved = loaded;
  var autosaveTimer = null;
  function autosave() {
    var now = snapshot();
    if (same(now, lastSaved)) return;
    var data = new FormData(form);
    data.delete("photo_file");
    data.delete("hanh_dong");
    fetch(autosaveUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
      credentials: "same-origin",
      redirect: "manual",
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) {
        throw new Error("Phiên đăng nhập đã hết hoặc máy chủ chưa trả lời. Nội dung vẫn được giữ trong trình duyệt này; hãy đăng nhập lại rồi mở lại bài để khôi phục.");
      }
      return response.json().then(function (answer) {
        if (!response.ok) {
          if (response.status === 409) clearInterval(autosaveTimer);
          throw new Error(answer.message || "Chưa tự động lưu được.");
        }
        lastSaved = now;
        form.querySelector("input[name=revision]").value = answer.revision;
        state.textContent = answer.message;
      });
    }).catch(function (error) {
      state.textContent = error.message;
      if (/Phiên đăng nhập/.test(error.message)) clearInterval(autosaveTimer);
    });
  }
  if (autosaveUrl && state) autosaveTimer = setInterval(autosave, 60000);
})();
