/*
 * Bảng quản trị — the portal's admin console.
 *
 * One page, plain JavaScript, no build step. It talks to the JSON API under /api/v1.
 * Data from the server is put into the page with textContent / DOM nodes only:
 * nothing here parses HTML.
 */
(function () {
  "use strict";

  var API = "/api/v1";
  var STORE_ACCESS = "congdoan.console.access_token";
  var STORE_REFRESH = "congdoan.console.refresh_token";
  var IMPORT_HEADER = "code,name,kind,parent_code,admin_name,admin_email";

  var ROLE_LABELS = {
    platform_admin: "Quản trị hệ thống",
    tenant_admin: "Quản trị đơn vị",
    editor: "Biên tập viên",
    contributor: "Cộng tác viên",
    responder: "Cán bộ trả lời",
    moderator: "Kiểm duyệt viên",
    royalty_officer: "Cán bộ nhuận bút",
    member: "Đoàn viên"
  };
  var TENANT_KIND_LABELS = {
    confederation: "Tổng Liên đoàn",
    provincial_federation: "Liên đoàn Lao động tỉnh, thành phố",
    sectoral_union: "Công đoàn ngành Trung ương",
    corporate_union: "Công đoàn Tổng công ty",
    department: "Ban, đơn vị thuộc Tổng Liên đoàn",
    newspaper: "Cơ quan báo chí"
  };
  var UNIT_KIND_LABELS = {
    grassroots: "Công đoàn cơ sở",
    upper_grassroots: "Công đoàn cấp trên trực tiếp cơ sở",
    trade_union_group: "Tổ công đoàn",
    other: "Đơn vị khác"
  };
  var TENANT_STATUS = {
    active: ["Đang hoạt động", "ok"],
    merged: ["Đã hợp nhất", "muted"],
    suspended: ["Tạm dừng", "warn"]
  };
  var USER_STATUS = {
    invited: ["Chờ kích hoạt", "warn"],
    active: ["Đang hoạt động", "ok"],
    deactivated: ["Đã khóa", "danger"]
  };
  var FIELD_LABELS = {
    username: "Tên đăng nhập", password: "Mật khẩu", token: "Mã kích hoạt", refresh_token: "Mã làm mới",
    code: "Mã", name: "Tên", kind: "Loại", parent_id: "Đơn vị cấp trên", parent_code: "Mã đơn vị cấp trên",
    into: "Đơn vị nhận hợp nhất", file: "Tệp", email: "E-mail", full_name: "Họ tên", roles: "Vai trò",
    unit_id: "Đơn vị", tenant_id: "Đơn vị thành viên", position: "Chức vụ", term_start: "Bắt đầu nhiệm kỳ",
    term_end: "Kết thúc nhiệm kỳ", status: "Trạng thái", q: "Từ khóa", page: "Trang", per_page: "Số dòng mỗi trang",
    admin_name: "Họ tên quản trị viên", admin_email: "E-mail quản trị viên", slug: "Đường dẫn",
    short_name: "Tên viết tắt", caption: "Chú thích", alt_text: "Văn bản thay thế", credit_user_id: "Tác giả ảnh",
    credit_name: "Tên tác giả hiển thị", source: "Nguồn", rights: "Bản quyền", _schema: "Dữ liệu"
  };
  // Media library: who may upload, who may edit any asset (others only their own uploads), and
  // the server's caps, checked here first so nobody waits for a 1 GB upload to be refused.
  var MB = 1024 * 1024;
  var MEDIA_UPLOAD_ROLES = ["contributor", "editor", "tenant_admin", "platform_admin"];
  var MEDIA_EDITOR_ROLES = ["editor", "tenant_admin", "platform_admin"];
  var MEDIA_FIELDS = ["caption", "alt_text", "credit_user_id", "credit_name", "source", "rights"];
  var MEDIA_KIND_LABELS = { image: "Ảnh", video: "Video", document: "Tài liệu" };
  var MEDIA_LIMITS = { image: 20 * MB, video: 1024 * MB, document: 50 * MB };
  var MEDIA_TYPES = {
    "image/jpeg": "image", "image/png": "image", "image/webp": "image",
    "video/mp4": "video", "video/webm": "video",
    "application/pdf": "document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "document"
  };
  var MEDIA_EXTENSIONS = {
    jpg: "image", jpeg: "image", png: "image", webp: "image", mp4: "video", m4v: "video", webm: "video",
    pdf: "document", docx: "document"
  };
  var MEDIA_PER_PAGE = 24;
  // Presigned URLs live about 5 minutes; older lists are reloaded before their links are used.
  var MEDIA_URL_LIFETIME_MS = 4 * 60 * 1000;

  var SAMPLE_CSV = [
    IMPORT_HEADER,
    "LDLD-HP,Liên đoàn Lao động thành phố Hải Phòng,provincial_federation,TLD,Nguyễn Văn An,an.nguyen@ldld-haiphong.vn",
    "CD-NH,Công đoàn Ngân hàng Việt Nam,sectoral_union,TLD,Trần Thị Bích,bich.tran@congdoannganhang.vn",
    "CD-DK,Công đoàn Dầu khí Việt Nam,corporate_union,TLD,Lê Minh Châu,chau.le@congdoandaukhi.vn"
  ];

  // ---------------------------------------------------------------------------
  // Small DOM helpers (text only, never HTML)
  // ---------------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === undefined || value === null || value === false) return;
        if (key === "text") node.textContent = String(value);
        else if (key === "className") node.className = value;
        else if (key === "onclick") node.addEventListener("click", value);
        else if (key === "dataset") Object.keys(value).forEach(function (k) { node.dataset[k] = value[k]; });
        else if (value === true) node.setAttribute(key, "");
        else node.setAttribute(key, String(value));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(parent, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(parent, c); }); return; }
    parent.appendChild(typeof child === "string" || typeof child === "number"
      ? document.createTextNode(String(child)) : child);
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function show(node, visible) { node.hidden = !visible; }

  function focusHeading(node) {
    if (!node) return;
    try { node.focus({ preventScroll: false }); } catch (e) { node.focus(); }
  }

  function badge(entry, fallback) {
    var label = entry ? entry[0] : fallback;
    var tone = entry ? entry[1] : "muted";
    return el("span", { className: "badge " + tone, text: label });
  }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  /** "dd/mm/yyyy HH:MM" in the browser's time zone. */
  function formatDateTime(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    return pad2(d.getDate()) + "/" + pad2(d.getMonth() + 1) + "/" + d.getFullYear() + " " +
      pad2(d.getHours()) + ":" + pad2(d.getMinutes());
  }

  function formatDate(isoDate) {
    if (!isoDate) return "";
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(isoDate));
    return m ? m[3] + "/" + m[2] + "/" + m[1] : String(isoDate);
  }

  function activationLink(token) {
    return location.origin + "/kich-hoat?token=" + encodeURIComponent(token);
  }

  var toastTimer = null;
  function toast(message) {
    var box = $("toast");
    box.textContent = message;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { box.hidden = true; }, 5000);
  }

  // ---------------------------------------------------------------------------
  // Session (tokens in sessionStorage)
  // ---------------------------------------------------------------------------

  var session = {
    get access() { return safeGet(STORE_ACCESS); },
    get refresh() { return safeGet(STORE_REFRESH); },
    store: function (pair) {
      safeSet(STORE_ACCESS, pair.access_token);
      safeSet(STORE_REFRESH, pair.refresh_token);
    },
    clear: function () {
      try { sessionStorage.removeItem(STORE_ACCESS); sessionStorage.removeItem(STORE_REFRESH); } catch (e) { /* ignore */ }
    }
  };

  var memoryStore = {};
  function safeGet(key) {
    try { return sessionStorage.getItem(key); } catch (e) { return memoryStore[key] || null; }
  }
  function safeSet(key, value) {
    try { sessionStorage.setItem(key, value); } catch (e) { memoryStore[key] = value; }
  }

  // ---------------------------------------------------------------------------
  // API client
  // ---------------------------------------------------------------------------

  function ApiError(status, body, headers) {
    body = body && typeof body === "object" ? body : {};
    this.name = "ApiError";
    this.status = status;
    this.code = body.code || "HTTP_" + status;
    this.message = body.message || defaultMessage(status);
    this.errors = body.errors;
    this.requestId = body.request_id || (headers && headers.get("X-Request-ID")) || null;
    var retry = headers && headers.get("Retry-After");
    this.retryAfter = retry && /^\d+$/.test(retry) ? parseInt(retry, 10) : null;
    this.sessionEnded = false;
  }
  ApiError.prototype = Object.create(Error.prototype);
  ApiError.prototype.constructor = ApiError;

  function defaultMessage(status) {
    if (status === 0) return "Không kết nối được máy chủ. Kiểm tra kết nối mạng rồi thử lại.";
    if (status === 401) return "Bạn cần đăng nhập.";
    if (status === 403) return "Bạn không có quyền thực hiện thao tác này.";
    if (status === 404) return "Không tìm thấy.";
    if (status === 413) return "Tệp gửi lên quá lớn.";
    if (status === 429) return "Quá nhiều yêu cầu. Vui lòng thử lại sau.";
    if (status >= 500) return "Máy chủ đang gặp sự cố (mã " + status + "). Vui lòng thử lại sau ít phút.";
    return "Yêu cầu không thành công (mã " + status + ").";
  }

  function buildUrl(path, query) {
    var url = API + path;
    if (query) {
      var params = new URLSearchParams();
      Object.keys(query).forEach(function (key) {
        var v = query[key];
        if (v !== undefined && v !== null && v !== "") params.append(key, String(v));
      });
      var qs = params.toString();
      if (qs) url += "?" + qs;
    }
    return url;
  }

  var refreshing = null;

  /** Exchange the stored refresh token for a new pair, once at a time. Resolves true/false. */
  function refreshTokens() {
    if (!refreshing) {
      var token = session.refresh;
      refreshing = (token ? request("POST", "/auth/refresh", { json: { refresh_token: token }, auth: false })
        .then(function (pair) { session.store(pair); return true; }, function () { return false; })
        : Promise.resolve(false));
      refreshing.then(function () { refreshing = null; });
    }
    return refreshing;
  }

  /**
   * Call the API. options: query, json, formData, auth (default true), retry (internal).
   * Resolves to the parsed JSON (null for 204); rejects with ApiError.
   */
  function request(method, path, options) {
    options = options || {};
    var auth = options.auth !== false;
    var headers = { Accept: "application/json" };
    var body;
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.formData) {
      body = options.formData;
    }
    var sentToken = auth ? session.access : null;
    if (sentToken) headers.Authorization = "Bearer " + sentToken;

    return fetch(buildUrl(path, options.query), {
      method: method, headers: headers, body: body, credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      if (response.status === 401 && auth && sentToken && !options.retried) {
        // Another call may already have refreshed the pair: just retry with the new token.
        if (session.access && session.access !== sentToken) {
          return request(method, path, Object.assign({}, options, { retried: true }));
        }
        return refreshTokens().then(function (ok) {
          if (ok) return request(method, path, Object.assign({}, options, { retried: true }));
          return sessionExpired(response);
        });
      }
      if (response.status === 401 && auth) return sessionExpired(response);
      return readBody(response).then(function (data) {
        if (!response.ok) throw new ApiError(response.status, data, response.headers);
        return data;
      });
    }, function () {
      throw new ApiError(0, null, null);
    });
  }

  /** A 401 that a refresh could not cure: back to the sign-in form. */
  function sessionExpired(response) {
    return readBody(response).then(function (data) {
      throw expiredError(data, response.headers);
    });
  }

  function expiredError(data, headers) {
    var err = new ApiError(401, data, headers);
    if (session.access || session.refresh || state.me) {
      endSession("Phiên đăng nhập đã hết hạn hoặc không còn hiệu lực. Vui lòng đăng nhập lại.");
    }
    err.sessionEnded = true;
    return err;
  }

  function readBody(response) {
    if (response.status === 204) return Promise.resolve(null);
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("json") === -1) {
      return response.text().then(function () { return null; }, function () { return null; });
    }
    return response.json().catch(function () { return null; });
  }

  /** Every page of a paginated list (used for the unit tree). */
  function fetchAll(path, query) {
    var items = [];
    function next(page) {
      return request("GET", path, { query: Object.assign({}, query, { page: page, per_page: 100 }) })
        .then(function (data) {
          items = items.concat(data.items);
          if (data.items.length && items.length < data.total && page < 1000) return next(page + 1);
          return items;
        });
    }
    return next(1);
  }

  // ---------------------------------------------------------------------------
  // Messages and form errors
  // ---------------------------------------------------------------------------

  function flattenMessages(value) {
    if (value === null || value === undefined) return [];
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) {
      return value.reduce(function (acc, v) { return acc.concat(flattenMessages(v)); }, []);
    }
    if (typeof value === "object") {
      return Object.keys(value).reduce(function (acc, k) { return acc.concat(flattenMessages(value[k])); }, []);
    }
    return [String(value)];
  }

  function fieldControl(form, field) {
    if (!form || !form.elements) return null;
    for (var i = 0; i < form.elements.length; i++) {
      var c = form.elements[i];
      if (c.name === field || (c.dataset && c.dataset.field === field)) return c;
    }
    return null;
  }

  function clearMessage(box) {
    if (!box) return;
    clear(box);
    box.hidden = true;
    box.className = box.className.replace(/\s*\b(error|success|info)\b/g, "");
    box.removeAttribute("role");
  }

  function clearFormErrors(form) {
    clearMessage(form.querySelector(".form-message"));
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (n) { n.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (c) {
      c.removeAttribute("aria-invalid");
      if (c.dataset.describedby !== undefined) {
        if (c.dataset.describedby) c.setAttribute("aria-describedby", c.dataset.describedby);
        else c.removeAttribute("aria-describedby");
        delete c.dataset.describedby;
      }
    });
  }

  function markField(form, control, messages) {
    var container = control.closest(".field") || control.parentNode;
    var id = (control.id || control.name || "field") + "-error";
    var p = el("p", { className: "field-error", id: id, text: messages.join(" ") });
    container.appendChild(p);
    control.setAttribute("aria-invalid", "true");
    if (control.dataset.describedby === undefined) {
      control.dataset.describedby = control.getAttribute("aria-describedby") || "";
    }
    control.setAttribute("aria-describedby", (control.dataset.describedby + " " + id).trim());
  }

  function showMessage(box, kind, text, extra) {
    if (!box) { toast(text); return; }
    clearMessage(box);
    box.classList.add(kind);
    if (kind === "error") box.setAttribute("role", "alert");
    append(box, el("p", { className: "message-text", text: text }));
    append(box, extra);
    box.hidden = false;
  }

  /** Render an ApiError (or any error) into a message box; field errors go next to their inputs. */
  function showError(box, err, form) {
    if (err && err.sessionEnded) return;
    if (!(err instanceof ApiError)) {
      if (window.console) window.console.error(err);
      err = { message: "Đã có lỗi không mong muốn trên trang. Hãy tải lại trang rồi thử lại.", errors: null };
    }
    var extra = [];
    var firstInvalid = null;
    if (Array.isArray(err.errors) && err.errors.length) {
      extra.push(rowErrorsTable(err.errors));
    } else if (err.errors && typeof err.errors === "object") {
      var loose = [];
      Object.keys(err.errors).forEach(function (field) {
        var messages = flattenMessages(err.errors[field]);
        var control = fieldControl(form, field);
        if (control && control.type !== "hidden") {
          markField(form, control, messages);
          if (!firstInvalid) firstInvalid = control;
        } else {
          loose.push(el("li", null, el("strong", { text: (FIELD_LABELS[field] || field) + ": " }), messages.join(" ")));
        }
      });
      if (loose.length) extra.push(el("ul", { className: "error-list" }, loose));
    }
    if (err.status === 429 && err.retryAfter && String(err.message).indexOf(String(err.retryAfter)) === -1) {
      extra.push(el("p", { text: "Có thể thử lại sau " + formatWait(err.retryAfter) + "." }));
    }
    if (err.requestId) {
      extra.push(el("p", { className: "request-id" }, el("small", { text: "Mã yêu cầu: " + err.requestId })));
    }
    showMessage(box, "error", err.message, extra);
    if (firstInvalid) firstInvalid.focus();
  }

  function rowErrorsTable(rows) {
    var body = el("tbody");
    rows.forEach(function (r) {
      body.appendChild(el("tr", null,
        el("td", { text: r.row === undefined || r.row === null ? "" : String(r.row) }),
        el("td", { text: r.column ? String(r.column) : "—" }),
        el("td", { text: r.message || "" })));
    });
    return el("div", { className: "table-wrap" },
      el("table", { className: "data compact row-errors" },
        el("caption", { text: "Các lỗi trong tệp (" + rows.length + ")" }),
        el("thead", null, el("tr", null,
          el("th", { scope: "col", text: "Dòng" }), el("th", { scope: "col", text: "Cột" }),
          el("th", { scope: "col", text: "Lỗi" }))),
        body));
  }

  function setBusy(button, busy, label) {
    if (!button) return;
    if (busy) {
      if (button.dataset.label === undefined) button.dataset.label = button.textContent;
      clear(button);
      append(button, [el("span", { className: "spinner", "aria-hidden": "true" }), " " + (label || "Đang xử lý…")]);
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    } else {
      if (button.dataset.label !== undefined) {
        button.textContent = button.dataset.label;
        delete button.dataset.label;
      }
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  function labelOf(form, control) {
    var label = control.id ? form.querySelector("label[for='" + control.id + "']") : null;
    return label ? label.textContent.replace(/\s*\(không bắt buộc\)\s*/, "").trim() : (FIELD_LABELS[control.name] || control.name);
  }

  /** Client-side check of required fields, with Vietnamese messages. */
  function checkRequired(form) {
    var first = null;
    Array.prototype.forEach.call(form.elements, function (c) {
      if (!c.required || c.disabled) return;
      var empty = c.type === "file" ? !c.files || !c.files.length : !String(c.value || "").trim();
      if (empty) {
        markField(form, c, [c.type === "file" ? "Hãy chọn một tệp." : "Vui lòng điền «" + labelOf(form, c) + "»."]);
        if (!first) first = c;
      }
    });
    if (first) { first.focus(); return false; }
    return true;
  }

  /**
   * Wire a form: prevent the default submit, check required fields, show a busy
   * state on the submit button, and render errors next to the form.
   */
  function bindForm(form, handler, busyLabel) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.busy) return;
      clearFormErrors(form);
      if (!checkRequired(form)) return;
      var button = form.querySelector("[type=submit]");
      form.dataset.busy = "1";
      form.setAttribute("aria-busy", "true");
      setBusy(button, true, busyLabel);
      Promise.resolve()
        .then(function () { return handler(form); })
        .catch(function (err) { showError(form.querySelector(".form-message"), err, form); })
        .then(function () {
          delete form.dataset.busy;
          form.removeAttribute("aria-busy");
          setBusy(button, false);
        });
    });
  }

  function formSuccess(form, text, extra) {
    showMessage(form.querySelector(".form-message"), "success", text, extra);
  }

  /** A client-side check that failed: the message goes next to the field (or on top without one). */
  function fieldError(form, field, message) {
    var control = fieldControl(form, field);
    var err = new ApiError(422, { code: "CLIENT_VALIDATION", message: control ? "Vui lòng kiểm tra lại thông tin được đánh dấu." : message });
    err.errors = {};
    err.errors[field] = [message];
    if (!control) err.errors = null;
    return err;
  }

  function formatWait(seconds) {
    if (seconds < 60) return seconds + " giây";
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + " phút" + (rest ? " " + rest + " giây" : "");
  }

  function sectionBox(sectionId) {
    return $(sectionId).querySelector(".section-message");
  }

  // ---------------------------------------------------------------------------
  // Confirmation dialog
  // ---------------------------------------------------------------------------

  function confirmAction(text, okLabel) {
    var dialog = $("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(window.confirm(text));
    }
    $("confirm-text").textContent = text;
    $("confirm-ok").textContent = okLabel || "Đồng ý";
    var opener = document.activeElement;
    return new Promise(function (resolve) {
      function done() {
        dialog.removeEventListener("close", done);
        if (opener && opener.focus) opener.focus();
        resolve(dialog.returnValue === "ok");
      }
      dialog.returnValue = "cancel";
      dialog.addEventListener("close", done);
      dialog.showModal();
    });
  }

  // ---------------------------------------------------------------------------
  // Downloads and clipboard
  // ---------------------------------------------------------------------------

  function csvCell(value) {
    var s = value === null || value === undefined ? "" : String(value);
    return /[",\r\n]/.test(s) ? "\"" + s.replace(/"/g, "\"\"") + "\"" : s;
  }

  function downloadCsv(filename, rows) {
    var text = "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
    var blob = new Blob([text], { type: "text/csv;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var a = el("a", { href: url, download: filename, hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function copyText(text, input) {
    function fallback() {
      var active = document.activeElement;
      var area = input || el("textarea", { readonly: true, className: "offscreen", "aria-hidden": "true" });
      if (!input) { area.value = text; document.body.appendChild(area); }
      area.focus();
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      if (!input) { area.remove(); if (active && active.focus) active.focus(); }
      return ok;
    }
    var done = function (ok) { toast(ok ? "Đã sao chép vào bộ nhớ tạm." : "Không sao chép được; hãy chọn và sao chép thủ công."); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallback()); });
    } else {
      done(fallback());
    }
  }

  function copyButton(text, what) {
    return el("button", {
      type: "button", className: "button secondary small", text: "Sao chép",
      "aria-label": "Sao chép " + what,
      onclick: function () { copyText(text, null); }
    });
  }

  // ---------------------------------------------------------------------------
  // Pagination and tables
  // ---------------------------------------------------------------------------

  function renderPager(nav, data, unit, go) {
    clear(nav);
    var pages = Math.max(1, Math.ceil(data.total / data.per_page));
    var prev = el("button", { type: "button", className: "button secondary small", text: "‹ Trang trước",
      disabled: data.page <= 1, onclick: function () { go(data.page - 1); } });
    var next = el("button", { type: "button", className: "button secondary small", text: "Trang sau ›",
      disabled: data.page >= pages, onclick: function () { go(data.page + 1); } });
    var info = el("span", { className: "pager-info", text: "Trang " + data.page + "/" + pages + " · " + data.total + " " + unit });
    append(nav, [prev, info, next]);
  }

  function placeholderRow(tbody, columns, text, loading) {
    clear(tbody);
    var td = el("td", { colspan: columns, className: "placeholder" });
    if (loading) append(td, el("span", { className: "spinner", "aria-hidden": "true" }));
    append(td, " " + text);
    tbody.appendChild(el("tr", null, td));
  }

  /** A table cell; its content sits in one element so the phone layout can put the label beside it. */
  function cell(label, content) {
    return el("td", { dataset: { label: label } }, el("div", { className: "cell-value" }, content));
  }

  // ---------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------

  var state = {
    me: null,          // {user, tenant}
    acting: null,      // the tenant being managed (own tenant unless a platform admin picked another)
    units: null,       // units of the acting tenant, in tree order
    unitsFor: null,    // tenant id the units belong to
    section: null,
    tenants: { page: 1, q: "", kind: "", seq: 0 },
    users: { page: 1, q: "", status: "", seq: 0, items: [] },
    staff: { page: 1, q: "", inOffice: true, seq: 0 },
    media: newMediaState(0),
    mergeSource: null,
    editUnit: null,
    rolesUser: null,
    credentials: []
  };

  function hasRole(role) {
    return !!(state.me && state.me.user.roles.indexOf(role) !== -1);
  }
  function isPlatformAdmin() { return hasRole("platform_admin"); }
  function isTenantAdmin() { return hasRole("tenant_admin"); }
  function hasAnyRole(roles) {
    return roles.some(function (r) { return hasRole(r); });
  }

  /** Query/body additions that scope a request to the acting tenant (platform admins only). */
  function scope(obj) {
    var out = Object.assign({}, obj);
    if (isPlatformAdmin() && state.acting) out.tenant_id = state.acting.id;
    return out;
  }

  function availableSections() {
    var list = [];
    if (isPlatformAdmin()) list.push("tenants");
    if (isPlatformAdmin() || isTenantAdmin()) list.push("units", "users", "staff");
    if (hasAnyRole(MEDIA_UPLOAD_ROLES)) list.push("media");
    return list;
  }

  // ---------------------------------------------------------------------------
  // Views
  // ---------------------------------------------------------------------------

  var VIEWS = ["view-loading", "view-login", "view-activate", "view-console"];

  function showView(id) {
    VIEWS.forEach(function (v) { show($(v), v === id); });
    show($("whoami"), id === "view-console");
  }

  function showLogin(options) {
    options = options || {};
    var form = $("login-form");
    clearFormErrors(form);
    form.reset();
    if (options.username) $("login-username").value = options.username;
    showView("view-login");
    if (options.message) showMessage(form.querySelector(".form-message"), options.kind || "info", options.message);
    if (location.pathname === "/activate") history.replaceState(null, "", "/quan-tri/quan-ly/");
    (options.username ? $("login-password") : $("login-username")).focus();
  }

  function showActivate(token) {
    var form = $("activate-form");
    clearFormErrors(form);
    form.reset();
    if (token) $("activate-token").value = token;
    showView("view-activate");
    focusHeading($("activate-title"));
    (token ? $("activate-password") : $("activate-token")).focus();
  }

  function endSession(message) {
    session.clear();
    state.me = null;
    state.acting = null;
    state.units = null;
    state.unitsFor = null;
    resetConsole();
    showLogin({ message: message, kind: "info" });
  }

  /** Forget everything the last user saw (activation links above all) before someone else signs in. */
  function resetConsole() {
    state.credentials = [];
    state.mergeSource = state.editUnit = state.rolesUser = null;
    state.tenants = { page: 1, q: "", kind: "", seq: state.tenants.seq + 1 };
    state.users = { page: 1, q: "", status: "", seq: state.users.seq + 1, items: [] };
    state.staff = { page: 1, q: "", inOffice: true, seq: state.staff.seq + 1 };
    resetMedia();
    ["tenant-rows", "credential-rows", "user-rows", "staff-rows", "unit-tree",
     "tenant-pager", "user-pager", "staff-pager", "import-summary"].forEach(function (id) { clear($(id)); });
    ["import-result", "merge-form", "unit-edit-form", "user-roles-form", "activation-result"].forEach(function (id) {
      $(id).hidden = true;
    });
    $("activation-link").value = "";
    Array.prototype.forEach.call(document.querySelectorAll("#view-console form"), function (form) {
      form.reset();
      clearFormErrors(form);
    });
    Array.prototype.forEach.call(document.querySelectorAll("#view-console .section-message"), clearMessage);
  }

  // ---------------------------------------------------------------------------
  // Sign in, sign out, activation
  // ---------------------------------------------------------------------------

  var retryTimer = null;
  var lockedUsername = null;

  /** After a 429: count down on the sign-in button (a different user name unlocks it). */
  function lockLogin(seconds, username) {
    var button = $("login-form").querySelector("[type=submit]");
    var until = Date.now() + seconds * 1000;
    lockedUsername = username;
    clearInterval(retryTimer);
    function tick() {
      var left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) { unlockLogin(); return; }
      button.disabled = true;
      button.textContent = "Thử lại sau " + formatWait(left);
    }
    tick();
    retryTimer = setInterval(tick, 1000);
  }

  function unlockLogin() {
    var button = $("login-form").querySelector("[type=submit]");
    clearInterval(retryTimer);
    retryTimer = null;
    lockedUsername = null;
    button.disabled = false;
    button.textContent = "Đăng nhập";
  }

  function initAuth() {
    bindForm($("login-form"), function (form) {
      var username = form.elements.username.value.trim();
      var password = form.elements.password.value;
      return request("POST", "/auth/login", { json: { username: username, password: password }, auth: false })
        .then(function (pair) {
          session.store(pair);
          form.elements.password.value = "";
          if (location.pathname === "/activate") history.replaceState(null, "", "/quan-tri/quan-ly/");
          return loadConsole(true);
        })
        .catch(function (err) {
          if (err instanceof ApiError && err.status === 429 && err.retryAfter) {
            // The submit button gets its label back first, then the countdown takes over.
            setTimeout(function () { lockLogin(err.retryAfter, username); }, 0);
          }
          throw err;
        });
    }, "Đang đăng nhập…");

    bindForm($("activate-form"), function (form) {
      var token = form.elements.token.value.trim();
      var password = form.elements.password.value;
      if (password !== form.elements.password_confirm.value) {
        throw fieldError(form, "password_confirm", "Mật khẩu nhập lại không khớp.");
      }
      return request("POST", "/auth/activate", { json: { token: token, password: password }, auth: false })
        .then(function (user) {
          var activeSession = !!session.access;
          var done = function () {
            if (activeSession) { session.clear(); state.me = null; }
            showLogin({
              username: user.username, kind: "success",
              message: "Tài khoản «" + user.username + "» đã được kích hoạt. Hãy đăng nhập bằng mật khẩu vừa đặt."
            });
          };
          if (activeSession && session.refresh) {
            return request("POST", "/auth/logout", { json: { refresh_token: session.refresh }, auth: false })
              .then(done, done);
          }
          done();
        });
    }, "Đang kích hoạt…");

    $("login-username").addEventListener("input", function () {
      if (retryTimer && this.value.trim() !== lockedUsername) unlockLogin();
    });

    $("show-activate").addEventListener("click", function () { showActivate(""); });
    $("back-to-login").addEventListener("click", function () { showLogin({}); });

    $("logout-button").addEventListener("click", function () {
      var button = this;
      var token = session.refresh;
      setBusy(button, true, "Đang đăng xuất…");
      var finish = function () {
        setBusy(button, false);
        endSession("Bạn đã đăng xuất.");
      };
      if (!token) { finish(); return; }
      request("POST", "/auth/logout", { json: { refresh_token: token }, auth: false }).then(finish, finish);
    });
  }

  // ---------------------------------------------------------------------------
  // Console shell
  // ---------------------------------------------------------------------------

  function loadConsole(focus) {
    return request("GET", "/me").then(function (me) {
      state.me = me;
      state.acting = me.tenant;
      state.units = null;
      state.unitsFor = null;
      renderWhoami();
      renderActing();
      var sections = availableSections();
      Array.prototype.forEach.call(document.querySelectorAll(".tabs .tab"), function (tab) {
        tab.hidden = sections.indexOf(tab.dataset.section) === -1;
      });
      show(document.querySelector(".tabs"), sections.length > 0);
      renderRoleChecks();
      showView("view-console");
      var wanted = location.hash.replace("#", "");
      openSection(sections.indexOf(wanted) !== -1 ? wanted : sections[0] || "overview", !focus);
    });
  }

  function renderWhoami() {
    var user = state.me.user;
    $("whoami-name").textContent = user.full_name + " (" + user.username + ")";
    $("whoami-org").textContent = state.me.tenant.name;
    $("whoami-roles").textContent = user.roles.map(function (r) { return ROLE_LABELS[r] || r; }).join(", ");
  }

  function renderActing() {
    var own = state.me && state.acting && state.acting.id === state.me.tenant.id;
    var banner = $("acting-banner");
    Array.prototype.forEach.call(document.querySelectorAll(".acting-tenant-name"), function (n) {
      n.textContent = state.acting ? state.acting.name : "";
    });
    // The media library is always the signed-in user's own tenant: no "managing" banner there.
    if (!isPlatformAdmin() || state.section === "media") { banner.hidden = true; return; }
    banner.hidden = false;
    $("acting-name").textContent = state.acting.name + " (" + state.acting.code + ")";
    $("acting-note").textContent = own ? "— đơn vị của bạn" : "";
    $("acting-reset").hidden = own;
  }

  function setActing(tenant) {
    state.acting = tenant;
    state.units = null;
    state.unitsFor = null;
    state.users.page = 1;
    state.staff.page = 1;
    hideActivation();
    closeUnitEdit();
    closeRoles();
    renderActing();
  }

  function openSection(name, initial) {
    var sections = availableSections();
    if (name !== "overview" && sections.indexOf(name) === -1) name = sections[0] || "overview";
    state.section = name;
    if (state.me) renderActing();
    ["overview", "tenants", "units", "users", "staff", "media"].forEach(function (s) {
      show($("section-" + s), s === name);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".tabs .tab"), function (tab) {
      if (tab.dataset.section === name) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    });
    if (name !== "overview" && location.hash !== "#" + name) history.replaceState(null, "", "#" + name);
    if (name === "tenants") loadTenants();
    if (name === "units") loadUnits(true);
    if (name === "users") { ensureUnits().then(loadUsers, loadUsers); }
    if (name === "staff") { ensureUnits().then(loadStaff, loadStaff); }
    if (name === "media") openMedia();
    if (!initial) focusHeading($(name + "-title"));
  }

  function initShell() {
    Array.prototype.forEach.call(document.querySelectorAll(".tabs .tab"), function (tab) {
      tab.addEventListener("click", function () { openSection(tab.dataset.section); });
    });
    window.addEventListener("hashchange", function () {
      if (!state.me) return;
      var wanted = location.hash.replace("#", "");
      if (wanted && wanted !== state.section && availableSections().indexOf(wanted) !== -1) openSection(wanted);
    });
    $("acting-reset").addEventListener("click", function () {
      setActing(state.me.tenant);
      openSection(state.section === "tenants" ? "units" : state.section);
    });
  }

  // ---------------------------------------------------------------------------
  // Tenants (platform administrators)
  // ---------------------------------------------------------------------------

  function loadTenants() {
    var st = state.tenants;
    var seq = ++st.seq;
    var tbody = $("tenant-rows");
    placeholderRow(tbody, 5, "Đang tải danh sách…", true);
    clearMessage(sectionBox("section-tenants"));
    return request("GET", "/tenants", { query: { page: st.page, per_page: 20, q: st.q, kind: st.kind } })
      .then(function (data) {
        if (seq !== st.seq) return;
        renderTenants(data);
      })
      .catch(function (err) {
        if (seq !== st.seq) return;
        placeholderRow(tbody, 5, "Không tải được danh sách.");
        showError(sectionBox("section-tenants"), err, $("tenant-filter"));
      });
  }

  function renderTenants(data) {
    var tbody = $("tenant-rows");
    clear(tbody);
    if (!data.items.length) {
      placeholderRow(tbody, 5, state.tenants.q || state.tenants.kind ? "Không có đơn vị nào khớp với điều kiện tìm." : "Chưa có đơn vị nào.");
    }
    data.items.forEach(function (t) {
      var actions = el("div", { className: "row-actions" });
      if (t.status !== "merged") {
        actions.appendChild(el("button", {
          type: "button", className: "button secondary small", text: "Quản lý",
          "aria-label": "Quản lý cây đơn vị, tài khoản và hồ sơ cán bộ của " + t.name,
          onclick: function () { setActing(t); openSection("units"); }
        }));
      }
      if (t.status !== "merged" && t.kind !== "confederation") {
        actions.appendChild(el("button", {
          type: "button", className: "button danger-outline small", text: "Hợp nhất…",
          "aria-label": "Hợp nhất " + t.name + " vào đơn vị khác",
          onclick: function () { openMerge(t); }
        }));
      }
      var nameCell = [el("span", { text: t.name })];
      if (t.short_name) nameCell.push(el("span", { className: "muted block", text: t.short_name }));
      tbody.appendChild(el("tr", null,
        cell("Mã", el("code", { text: t.code })),
        cell("Tên đơn vị", nameCell),
        cell("Loại", t.kind_label || TENANT_KIND_LABELS[t.kind] || t.kind),
        cell("Trạng thái", badge(TENANT_STATUS[t.status], t.status)),
        cell("Thao tác", actions)));
    });
    renderPager($("tenant-pager"), data, "đơn vị", function (page) { state.tenants.page = page; loadTenants(); });
  }

  /** The tenant with exactly this code (case-insensitive), or null. */
  function findTenantByCode(code) {
    var wanted = code.trim().toLowerCase();
    function look(page) {
      return request("GET", "/tenants", { query: { q: code.trim(), per_page: 100, page: page } }).then(function (data) {
        for (var i = 0; i < data.items.length; i++) {
          if (data.items[i].code.toLowerCase() === wanted) return data.items[i];
        }
        if (data.items.length && page * data.per_page < data.total && page < 10) return look(page + 1);
        return null;
      });
    }
    return look(1);
  }

  function openMerge(tenant) {
    state.mergeSource = tenant;
    var form = $("merge-form");
    clearFormErrors(form);
    form.reset();
    $("merge-source").textContent = tenant.name + " (" + tenant.code + ")";
    form.hidden = false;
    form.scrollIntoView({ behavior: "smooth", block: "nearest" });
    $("merge-into").focus();
  }

  function closeMerge() {
    state.mergeSource = null;
    $("merge-form").hidden = true;
  }

  var lastImportFile = null;

  function initTenants() {
    $("tenant-filter").addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target;
      state.tenants.q = form.elements.q.value.trim();
      state.tenants.kind = form.elements.kind.value;
      state.tenants.page = 1;
      loadTenants();
    });

    bindForm($("tenant-create-form"), function (form) {
      var kind = form.elements.kind.value;
      var parentCode = form.elements.parent_code.value.trim();
      var body = { code: form.elements.code.value.trim(), name: form.elements.name.value.trim(), kind: kind, parent_id: null };
      var parent;
      if (parentCode) {
        parent = findTenantByCode(parentCode).then(function (t) {
          if (!t) throw fieldError(form, "parent_id", "Không tìm thấy đơn vị cấp trên có mã «" + parentCode + "».");
          return t;
        });
      } else if (kind !== "confederation") {
        throw fieldError(form, "parent_id", "Hãy nhập mã đơn vị cấp trên (chỉ Tổng Liên đoàn không có cấp trên).");
      } else {
        parent = Promise.resolve(null);
      }
      return parent.then(function (p) {
        body.parent_id = p ? p.id : null;
        return request("POST", "/tenants", { json: body });
      }).then(function (tenant) {
        form.reset();
        formSuccess(form, "Đã tạo đơn vị «" + tenant.name + "» (" + tenant.code + "). Để có quản trị viên, mời một tài khoản «Quản trị đơn vị» từ nút «Quản lý».");
        loadTenants();
      });
    }, "Đang tạo…");

    bindForm($("merge-form"), function (form) {
      var source = state.mergeSource;
      var code = form.elements.into_code.value.trim();
      return findTenantByCode(code).then(function (target) {
        if (!target) throw fieldError(form, "into", "Không tìm thấy đơn vị có mã «" + code + "».");
        if (target.id === source.id) throw fieldError(form, "into", "Không thể hợp nhất một đơn vị vào chính nó.");
        return confirmAction(
          "Hợp nhất «" + source.name + "» (" + source.code + ") vào «" + target.name + "» (" + target.code + ")? " +
          "Tài khoản, cây đơn vị và các đơn vị trực thuộc sẽ chuyển sang đơn vị nhận. Thao tác này không thể hoàn tác.",
          "Hợp nhất"
        ).then(function (ok) {
          if (!ok) return null;
          return request("POST", "/tenants/" + encodeURIComponent(source.id) + "/merge", { json: { into: target.id } })
            .then(function () {
              closeMerge();
              if (state.acting && state.acting.id === source.id) setActing(state.me.tenant);
              return loadTenants().then(function () {
                showMessage(sectionBox("section-tenants"), "success",
                  "Đã hợp nhất «" + source.name + "» vào «" + target.name + "».");
              });
            });
        });
      });
    }, "Đang hợp nhất…");

    $("merge-form").querySelector("[data-action=cancel-merge]").addEventListener("click", closeMerge);

    var fileName = $("import-file-name");
    $("import-file").addEventListener("change", function () {
      var file = this.files && this.files[0];
      fileName.textContent = file ? file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)" : "Chưa chọn tệp nào.";
    });
    $("import-form").addEventListener("reset", function () { fileName.textContent = "Chưa chọn tệp nào."; });

    bindForm($("import-form"), function (form) {
      var file = form.elements.file.files[0];
      var data = new FormData();
      data.append("file", file, file.name);
      $("import-result").hidden = true;
      return request("POST", "/tenants/import", { formData: data }).then(function (result) {
        lastImportFile = file.name;
        renderImportResult(result);
        form.reset();
        loadTenants();
      });
    }, "Đang nhập…");

    $("sample-button").addEventListener("click", function () {
      downloadCsv("mau-danh-sach-don-vi.csv", SAMPLE_CSV.map(function (line) { return line.split(","); }));
    });

    $("credentials-download").addEventListener("click", function () {
      var rows = [["tenant_code", "username", "activation_token", "activation_link", "expires_at"]];
      state.credentials.forEach(function (c) {
        rows.push([c.tenant_code, c.username, c.activation_token, activationLink(c.activation_token), c.expires_at]);
      });
      var stem = lastImportFile ? lastImportFile.replace(/\.csv$/i, "").replace(/[^\w.-]+/g, "-") + "-" : "";
      downloadCsv(stem + "ma-kich-hoat.csv", rows);
    });
  }

  function renderImportResult(result) {
    state.credentials = result.credentials || [];
    var created = (result.created || []).length;
    var unchanged = (result.unchanged || []).length;
    var summary = $("import-summary");
    clear(summary);
    append(summary, [
      "Đã tạo ", el("strong", { text: String(created) }), " đơn vị mới; ",
      el("strong", { text: String(unchanged) }), " đơn vị đã có nên giữ nguyên."
    ]);
    if (!state.credentials.length) {
      append(summary, " Không có mã kích hoạt mới (mã chỉ được cấp cho đơn vị tạo mới).");
    }
    var tbody = $("credential-rows");
    clear(tbody);
    state.credentials.forEach(function (c) {
      var link = activationLink(c.activation_token);
      tbody.appendChild(el("tr", null,
        cell("Mã đơn vị", el("code", { text: c.tenant_code })),
        cell("Tên đăng nhập", c.username),
        cell("Đường link kích hoạt", el("div", { className: "link-cell" },
          el("a", { href: link, className: "break", text: link, rel: "noreferrer" }),
          copyButton(link, "đường link kích hoạt của " + c.username))),
        cell("Hết hạn", formatDateTime(c.expires_at))));
    });
    $("credentials-block").hidden = !state.credentials.length;
    $("import-result").hidden = false;
    focusHeading($("import-result-title"));
  }

  // ---------------------------------------------------------------------------
  // Unit tree
  // ---------------------------------------------------------------------------

  function ensureUnits(force) {
    if (!force && state.units && state.unitsFor === state.acting.id) return Promise.resolve(state.units);
    var tenantId = state.acting.id;
    return fetchAll("/units", scope({})).then(function (items) {
      if (!state.acting || state.acting.id !== tenantId) return state.units || [];
      state.units = sortTree(items);
      state.unitsFor = tenantId;
      fillUnitSelects();
      return state.units;
    });
  }

  /** Tree order with siblings by name (Vietnamese collation); depth recomputed from parent_id. */
  function sortTree(units) {
    var byId = {};
    var children = {};
    units.forEach(function (u) { byId[u.id] = u; });
    units.forEach(function (u) {
      var key = u.parent_id && byId[u.parent_id] ? u.parent_id : "";
      (children[key] = children[key] || []).push(u);
    });
    var collator = typeof Intl !== "undefined" && Intl.Collator ? new Intl.Collator("vi", { numeric: true }) : null;
    var compare = function (a, b) { return collator ? collator.compare(a.name, b.name) : (a.name < b.name ? -1 : 1); };
    var out = [];
    var seen = {};
    (function walk(key, depth) {
      (children[key] || []).sort(compare).forEach(function (u) {
        if (seen[u.id]) return;
        seen[u.id] = true;
        out.push(Object.assign({}, u, { depth: depth }));
        walk(u.id, depth + 1);
      });
    })("", 0);
    units.forEach(function (u) { if (!seen[u.id]) out.push(u); });
    return out;
  }

  function unitOptionLabel(u) {
    var indent = "";
    for (var i = 0; i < u.depth; i++) indent += "\u00a0\u00a0\u00a0";
    return indent + (u.depth ? "└ " : "") + u.name + (u.code ? " (" + u.code + ")" : "");
  }

  function fillSelect(select, units, emptyLabel, selected) {
    clear(select);
    select.appendChild(el("option", { value: "", text: emptyLabel }));
    units.forEach(function (u) {
      var opt = el("option", { value: u.id, text: unitOptionLabel(u) });
      if (u.id === selected) opt.selected = true;
      select.appendChild(opt);
    });
    if (!selected) select.value = "";
  }

  function activeUnits() {
    return (state.units || []).filter(function (u) { return u.status === "active"; });
  }

  function fillUnitSelects() {
    var keep = $("unit-parent").value;
    fillSelect($("unit-parent"), activeUnits(), "— Không (đơn vị cấp cao nhất) —", keep);
    Array.prototype.forEach.call(document.querySelectorAll(".unit-select"), function (select) {
      var value = select.value;
      fillSelect(select, activeUnits(), "— Không chọn —", value);
    });
  }

  function unitName(id) {
    if (!id || !state.units) return "";
    for (var i = 0; i < state.units.length; i++) if (state.units[i].id === id) return state.units[i].name;
    return "";
  }

  function loadUnits(force) {
    var tree = $("unit-tree");
    clear(tree);
    tree.appendChild(el("li", { className: "placeholder" }, el("span", { className: "spinner", "aria-hidden": "true" }), " Đang tải cây đơn vị…"));
    clearMessage(sectionBox("section-units"));
    return ensureUnits(force).then(renderTree).catch(function (err) {
      clear(tree);
      showError(sectionBox("section-units"), err);
    });
  }

  function renderTree(units) {
    var tree = $("unit-tree");
    clear(tree);
    if (!units.length) {
      tree.appendChild(el("li", { className: "placeholder", text: "Chưa có đơn vị nào. Thêm đơn vị đầu tiên bằng biểu mẫu bên dưới." }));
      return;
    }
    units.forEach(function (u) {
      var li = el("li", { className: "tree-item" + (u.status !== "active" ? " archived" : "") });
      li.style.setProperty("--depth", String(u.depth || 0));
      var meta = el("span", { className: "tree-meta" },
        u.code ? el("code", { text: u.code }) : null,
        el("span", { text: u.kind_label || UNIT_KIND_LABELS[u.kind] || u.kind }),
        u.status !== "active" ? el("span", { className: "badge muted", text: "Ngừng hoạt động" }) : null);
      var actions = el("span", { className: "row-actions" },
        el("button", { type: "button", className: "button secondary small", text: "Sửa",
          "aria-label": "Sửa hoặc chuyển " + u.name, onclick: function () { openUnitEdit(u); } }),
        u.status === "active" ? el("button", { type: "button", className: "button secondary small", text: "Thêm cấp dưới",
          "aria-label": "Thêm cấp dưới cho " + u.name, onclick: function () { startChildUnit(u); } }) : null);
      li.appendChild(el("div", { className: "tree-row" },
        el("span", { className: "tree-name" }, el("strong", { text: u.name }), meta), actions));
      tree.appendChild(li);
    });
  }

  function startChildUnit(parent) {
    var form = $("unit-create-form");
    clearFormErrors(form);
    $("unit-parent").value = parent.id;
    if (parent.kind === "upper_grassroots") $("unit-kind").value = "grassroots";
    else if (parent.kind === "grassroots") $("unit-kind").value = "trade_union_group";
    form.scrollIntoView({ behavior: "smooth", block: "nearest" });
    $("unit-name").focus();
  }

  /** The unit and everything under it (units come in tree order). */
  function branchIds(unit) {
    var ids = {};
    var inside = false;
    (state.units || []).forEach(function (u) {
      if (u.id === unit.id) { inside = true; ids[u.id] = true; return; }
      if (inside) {
        if (u.depth > unit.depth) ids[u.id] = true;
        else inside = false;
      }
    });
    return ids;
  }

  function openUnitEdit(unit) {
    state.editUnit = unit;
    var form = $("unit-edit-form");
    clearFormErrors(form);
    form.elements.name.value = unit.name;
    var excluded = branchIds(unit);
    var candidates = activeUnits().filter(function (u) { return !excluded[u.id]; });
    fillSelect($("unit-edit-parent"), candidates, "— Không (đơn vị cấp cao nhất) —", unit.parent_id);
    $("unit-edit-title").textContent = "Sửa đơn vị: " + unit.name;
    form.hidden = false;
    form.scrollIntoView({ behavior: "smooth", block: "nearest" });
    form.elements.name.focus();
  }

  function closeUnitEdit() {
    state.editUnit = null;
    $("unit-edit-form").hidden = true;
  }

  function initUnits() {
    $("units-reload").addEventListener("click", function () { loadUnits(true); });

    bindForm($("unit-create-form"), function (form) {
      var body = scope({
        name: form.elements.name.value.trim(),
        kind: form.elements.kind.value,
        parent_id: form.elements.parent_id.value || null
      });
      var code = form.elements.code.value.trim();
      if (code) body.code = code;
      return request("POST", "/units", { json: body }).then(function (unit) {
        form.elements.name.value = "";
        form.elements.code.value = "";
        formSuccess(form, "Đã thêm «" + unit.name + "» vào cây đơn vị.");
        return loadUnits(true);
      });
    }, "Đang thêm…");

    bindForm($("unit-edit-form"), function (form) {
      var unit = state.editUnit;
      var body = {};
      var name = form.elements.name.value.trim();
      var parent = form.elements.parent_id.value || null;
      if (name !== unit.name) body.name = name;
      if (parent !== (unit.parent_id || null)) body.parent_id = parent;
      if (!Object.keys(body).length) { closeUnitEdit(); return null; }
      return request("PATCH", "/units/" + encodeURIComponent(unit.id), { json: body }).then(function (saved) {
        closeUnitEdit();
        return loadUnits(true).then(function () {
          showMessage(sectionBox("section-units"), "success", "Đã lưu «" + saved.name + "».");
        });
      });
    }, "Đang lưu…");

    $("unit-edit-form").querySelector("[data-action=cancel-unit-edit]").addEventListener("click", closeUnitEdit);
  }

  // ---------------------------------------------------------------------------
  // Users
  // ---------------------------------------------------------------------------

  function grantableRoles() {
    return Object.keys(ROLE_LABELS).filter(function (r) { return r !== "platform_admin" || isPlatformAdmin(); });
  }

  function renderRoleChecks() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-roles]"), function (box, n) {
      clear(box);
      grantableRoles().forEach(function (role) {
        var id = "role-" + n + "-" + role;
        box.appendChild(el("div", { className: "check" },
          el("input", { type: "checkbox", id: id, name: "roles", value: role }),
          el("label", { for: id, text: ROLE_LABELS[role] })));
      });
    });
  }

  function checkedRoles(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input[name=roles]"), function (c) { return c.checked; })
      .map(function (c) { return c.value; });
  }

  function loadUsers() {
    var st = state.users;
    var seq = ++st.seq;
    var tbody = $("user-rows");
    placeholderRow(tbody, 5, "Đang tải danh sách…", true);
    clearMessage(sectionBox("section-users"));
    return request("GET", "/users", { query: scope({ page: st.page, per_page: 20, q: st.q, status: st.status }) })
      .then(function (data) {
        if (seq !== st.seq) return;
        st.items = data.items;
        renderUsers(data);
      })
      .catch(function (err) {
        if (seq !== st.seq) return;
        placeholderRow(tbody, 5, "Không tải được danh sách.");
        showError(sectionBox("section-users"), err, $("user-filter"));
      });
  }

  function renderUsers(data) {
    var tbody = $("user-rows");
    clear(tbody);
    if (!data.items.length) placeholderRow(tbody, 5, "Không có tài khoản nào.");
    var myId = state.me.user.id;
    data.items.forEach(function (u) {
      var actions = el("div", { className: "row-actions" });
      actions.appendChild(el("button", { type: "button", className: "button secondary small", text: "Vai trò",
        "aria-label": "Vai trò của " + u.full_name, onclick: function () { openRoles(u); } }));
      if (u.status === "invited") {
        actions.appendChild(el("button", { type: "button", className: "button secondary small", text: "Cấp lại mã kích hoạt",
          "aria-label": "Cấp lại mã kích hoạt cho " + u.full_name, onclick: function () { reissue(u, this); } }));
      }
      if (u.status !== "deactivated" && u.id !== myId) {
        actions.appendChild(el("button", { type: "button", className: "button danger-outline small", text: "Khóa",
          "aria-label": "Khóa tài khoản " + u.full_name, onclick: function () { deactivate(u, this); } }));
      }
      if (u.status === "deactivated") {
        actions.appendChild(el("button", { type: "button", className: "button secondary small", text: "Mở khóa",
          "aria-label": "Mở khóa tài khoản " + u.full_name, onclick: function () { reactivate(u, this); } }));
      }
      var unit = unitName(u.unit_id);
      tbody.appendChild(el("tr", null,
        cell("Họ tên", [el("span", { text: u.full_name }), u.id === myId ? el("span", { className: "muted", text: " (bạn)" }) : null,
          unit ? el("span", { className: "muted block", text: unit }) : null]),
        cell("Tên đăng nhập", el("span", { className: "break", text: u.username })),
        cell("Vai trò", u.roles.map(function (r) { return ROLE_LABELS[r] || r; }).join(", ")),
        cell("Trạng thái", badge(USER_STATUS[u.status], u.status)),
        cell("Thao tác", actions)));
    });
    renderPager($("user-pager"), data, "tài khoản", function (page) { state.users.page = page; loadUsers(); });
  }

  function showActivation(invitation, verb) {
    var user = invitation.user;
    var link = activationLink(invitation.activation_token);
    $("activation-text").textContent = verb + " «" + user.full_name + "» (tên đăng nhập: " + user.username + "). " +
      "Gửi đường link dưới đây cho người đó để đặt mật khẩu; link chỉ dùng được một lần và chỉ hiển thị lúc này.";
    $("activation-link").value = link;
    $("activation-expires").textContent = "Hết hạn lúc " + formatDateTime(invitation.expires_at) + ".";
    $("activation-result").hidden = false;
    focusHeading($("activation-result-title"));
  }

  function hideActivation() {
    $("activation-result").hidden = true;
    $("activation-link").value = "";
  }

  function rowAction(button, busyLabel, work) {
    var box = sectionBox("section-users");
    clearMessage(box);
    setBusy(button, true, busyLabel);
    return Promise.resolve().then(work).catch(function (err) {
      showError(box, err);
    }).then(function () {
      if (button.isConnected) setBusy(button, false);
    });
  }

  function reissue(user, button) {
    return rowAction(button, "Đang cấp…", function () {
      return request("POST", "/users/" + encodeURIComponent(user.id) + "/activation-token").then(function (inv) {
        showActivation(inv, "Đã cấp lại mã kích hoạt cho");
      });
    });
  }

  function deactivate(user, button) {
    return confirmAction("Khóa tài khoản «" + user.full_name + "» (" + user.username + ")? Người này bị đăng xuất ngay " +
      "khỏi mọi thiết bị và không đăng nhập được nữa cho đến khi được mở khóa.", "Khóa tài khoản").then(function (ok) {
      if (!ok) return;
      return rowAction(button, "Đang khóa…", function () {
        return request("PATCH", "/users/" + encodeURIComponent(user.id), { json: { status: "deactivated" } }).then(function () {
          return loadUsers().then(function () {
            showMessage(sectionBox("section-users"), "success", "Đã khóa tài khoản «" + user.full_name + "».");
          });
        });
      });
    });
  }

  function reactivate(user, button) {
    return rowAction(button, "Đang mở khóa…", function () {
      return request("PATCH", "/users/" + encodeURIComponent(user.id), { json: { status: "active" } }).then(function (saved) {
        return loadUsers().then(function () {
          showMessage(sectionBox("section-users"), "success", "Đã mở khóa tài khoản «" + saved.full_name + "»" +
            (saved.status === "invited" ? " (tài khoản vẫn chờ kích hoạt)." : "."));
        });
      });
    });
  }

  function openRoles(user) {
    state.rolesUser = user;
    var form = $("user-roles-form");
    clearFormErrors(form);
    $("user-roles-who").textContent = user.full_name + " (" + user.username + ")";
    Array.prototype.forEach.call(form.querySelectorAll("input[name=roles]"), function (c) {
      c.checked = user.roles.indexOf(c.value) !== -1;
    });
    form.hidden = false;
    form.scrollIntoView({ behavior: "smooth", block: "nearest" });
    focusHeading($("user-roles-title"));
  }

  function closeRoles() {
    state.rolesUser = null;
    $("user-roles-form").hidden = true;
  }

  function initUsers() {
    $("user-filter").addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target;
      state.users.q = form.elements.q.value.trim();
      state.users.status = form.elements.status.value;
      state.users.page = 1;
      loadUsers();
    });

    bindForm($("user-invite-form"), function (form) {
      var roles = checkedRoles(form);
      if (!roles.length) throw fieldError(form, "roles", "Chọn ít nhất một vai trò.");
      var body = scope({
        email: form.elements.email.value.trim(),
        full_name: form.elements.full_name.value.trim(),
        roles: roles
      });
      if (form.elements.unit_id.value) body.unit_id = form.elements.unit_id.value;
      return request("POST", "/users", { json: body }).then(function (invitation) {
        form.reset();
        formSuccess(form, "Đã mời «" + invitation.user.full_name + "». Đường link kích hoạt ở phía trên.");
        showActivation(invitation, "Đã tạo tài khoản cho");
        return loadUsers();
      });
    }, "Đang mời…");

    bindForm($("user-roles-form"), function (form) {
      var user = state.rolesUser;
      var roles = checkedRoles(form);
      if (!roles.length) throw fieldError(form, "roles", "Chọn ít nhất một vai trò.");
      // Roles this console cannot show (e.g. platform_admin for a tenant admin) are kept as they are.
      user.roles.forEach(function (r) { if (grantableRoles().indexOf(r) === -1 && roles.indexOf(r) === -1) roles.push(r); });
      return request("PATCH", "/users/" + encodeURIComponent(user.id), { json: { roles: roles } }).then(function (saved) {
        closeRoles();
        if (saved.id === state.me.user.id) {
          state.me.user = saved;
          renderWhoami();
        }
        return loadUsers().then(function () {
          showMessage(sectionBox("section-users"), "success", "Đã cập nhật vai trò của «" + saved.full_name + "».");
        });
      });
    }, "Đang lưu…");

    $("user-roles-form").querySelector("[data-action=cancel-roles]").addEventListener("click", closeRoles);

    $("activation-copy").addEventListener("click", function () {
      copyText($("activation-link").value, $("activation-link"));
    });
  }

  // ---------------------------------------------------------------------------
  // Staff records
  // ---------------------------------------------------------------------------

  function loadStaff() {
    var st = state.staff;
    var seq = ++st.seq;
    var tbody = $("staff-rows");
    placeholderRow(tbody, 5, "Đang tải danh sách…", true);
    clearMessage(sectionBox("section-staff"));
    var query = scope({ page: st.page, per_page: 20, q: st.q });
    if (st.inOffice) query.in_office = "true";
    return request("GET", "/staff", { query: query })
      .then(function (data) {
        if (seq !== st.seq) return;
        renderStaff(data);
      })
      .catch(function (err) {
        if (seq !== st.seq) return;
        placeholderRow(tbody, 5, "Không tải được danh sách.");
        showError(sectionBox("section-staff"), err, $("staff-filter"));
      });
  }

  function renderStaff(data) {
    var tbody = $("staff-rows");
    clear(tbody);
    if (!data.items.length) {
      placeholderRow(tbody, 5, state.staff.inOffice ? "Chưa có cán bộ nào đang trong nhiệm kỳ." : "Chưa có hồ sơ cán bộ nào.");
    }
    data.items.forEach(function (s) {
      var term = formatDate(s.term_start) + " – " + (s.term_end ? formatDate(s.term_end) : "nay");
      tbody.appendChild(el("tr", null,
        cell("Họ tên", s.full_name),
        cell("Chức vụ", s.position),
        cell("Đơn vị", unitName(s.unit_id) || "—"),
        cell("Nhiệm kỳ", term),
        cell("Tình trạng", s.status === "archived" ? badge(["Đã lưu trữ", "muted"])
          : badge(s.in_office ? ["Đương nhiệm", "ok"] : ["Ngoài nhiệm kỳ", "muted"]))));
    });
    renderPager($("staff-pager"), data, "hồ sơ", function (page) { state.staff.page = page; loadStaff(); });
  }

  function initStaff() {
    $("staff-filter").addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target;
      state.staff.q = form.elements.q.value.trim();
      state.staff.inOffice = form.elements.in_office.checked;
      state.staff.page = 1;
      loadStaff();
    });

    bindForm($("staff-create-form"), function (form) {
      var body = scope({
        full_name: form.elements.full_name.value.trim(),
        position: form.elements.position.value.trim(),
        term_start: form.elements.term_start.value,
        term_end: form.elements.term_end.value || null,
        unit_id: form.elements.unit_id.value || null
      });
      if (body.term_end && body.term_end < body.term_start) {
        throw fieldError(form, "term_end", "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.");
      }
      return request("POST", "/staff", { json: body }).then(function (record) {
        form.reset();
        formSuccess(form, "Đã thêm hồ sơ «" + record.full_name + "» — " + record.position + ".");
        return loadStaff();
      });
    }, "Đang lưu…");
  }

  // ---------------------------------------------------------------------------
  // Media library (photos, videos, documents)
  // ---------------------------------------------------------------------------

  function newMediaState(seq) {
    return {
      page: 1, q: "", kind: "", seq: seq, items: [], loadedAt: 0, staleReload: false,
      people: null, peopleTotal: 0, peopleLoading: null,
      upload: null, editing: null, editOpener: null, previewUrl: null, focusAfter: null
    };
  }

  function formatNumber(value, digits) {
    try {
      return new Intl.NumberFormat("vi-VN", { minimumFractionDigits: 0, maximumFractionDigits: digits }).format(value);
    } catch (e) {
      var parts = (Math.round(value * Math.pow(10, digits)) / Math.pow(10, digits)).toString().split(".");
      return parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".") + (parts[1] ? "," + parts[1] : "");
    }
  }

  /** A size in MB, Vietnamese style: "0,25 MB", "12,4 MB", "1.024 MB". */
  function formatMB(bytes) {
    bytes = Number(bytes) || 0;
    var mb = bytes / MB;
    if (bytes > 0 && mb < 0.01) return "< 0,01 MB";
    return formatNumber(mb, mb < 10 ? 2 : 1) + " MB";
  }

  function formatLimit(bytes) {
    return bytes >= 1024 * MB ? formatNumber(bytes / (1024 * MB), 1) + " GB" : formatNumber(bytes / MB, 0) + " MB";
  }

  function mediaKindOf(file) {
    var type = String(file.type || "").toLowerCase();
    if (MEDIA_TYPES[type]) return MEDIA_TYPES[type];
    var m = /\.([a-z0-9]+)$/i.exec(file.name || "");
    return (m && MEDIA_EXTENSIONS[m[1].toLowerCase()]) || null;
  }

  /** What is wrong with a file before sending it (the server checks again, by content), or null. */
  function checkMediaFile(file) {
    if (!file.size) return "Tệp rỗng, không có gì để tải lên.";
    var kind = mediaKindOf(file);
    if (!kind) return "Loại tệp không được hỗ trợ. Chỉ nhận ảnh JPEG, PNG, WebP; video MP4, WebM; tài liệu PDF, DOCX.";
    if (file.size > MEDIA_LIMITS[kind]) {
      return MEDIA_KIND_LABELS[kind] + " được tải lên tối đa " + formatLimit(MEDIA_LIMITS[kind]) +
        "; tệp này nặng " + formatMB(file.size) + ".";
    }
    return null;
  }

  function assetName(asset) {
    return asset.filename || "(tệp không tên)";
  }

  function mayEditAsset(asset) {
    return hasAnyRole(MEDIA_EDITOR_ROLES) || (!!asset.uploaded_by && asset.uploaded_by === state.me.user.id);
  }

  function mediaLinksStale() {
    return !state.media.loadedAt || Date.now() - state.media.loadedAt > MEDIA_URL_LIFETIME_MS;
  }

  // -- upload with progress ------------------------------------------------------

  function UploadCancelled() { this.name = "UploadCancelled"; this.cancelled = true; }

  function xhrHeaders(xhr) {
    return { get: function (name) { return xhr.getResponseHeader(name); } };
  }

  function xhrBody(xhr) {
    if ((xhr.getResponseHeader("Content-Type") || "").indexOf("json") === -1) return null;
    try { return JSON.parse(xhr.responseText); } catch (e) { return null; }
  }

  /**
   * POST a multipart form with XMLHttpRequest, which (unlike fetch) reports upload progress.
   * hooks: progress(loaded, total), sent(). Returns {promise, abort}; the promise resolves to
   * {status, data} and rejects with ApiError, or UploadCancelled after abort().
   * A 401 is answered like request() does: refresh the token pair once, then send again.
   */
  function uploadForm(path, formData, hooks) {
    var xhr = null;
    var cancelled = false;
    function attempt(retried) {
      var sentToken = session.access;
      return new Promise(function (resolve, reject) {
        xhr = new XMLHttpRequest();
        xhr.open("POST", buildUrl(path));
        xhr.setRequestHeader("Accept", "application/json");
        if (sentToken) xhr.setRequestHeader("Authorization", "Bearer " + sentToken);
        xhr.upload.onprogress = function (event) {
          if (hooks.progress) hooks.progress(event.loaded, event.lengthComputable ? event.total : 0);
        };
        xhr.upload.onload = function () { if (hooks.sent) hooks.sent(); };
        xhr.onload = function () { resolve(xhr); };
        xhr.onerror = function () { reject(new ApiError(0, null, null)); };
        xhr.onabort = function () { reject(new UploadCancelled()); };
        if (cancelled) { reject(new UploadCancelled()); return; }
        xhr.send(formData);
      }).then(function (done) {
        var data = xhrBody(done);
        var headers = xhrHeaders(done);
        if (done.status === 401 && sentToken && !retried) {
          var again = function () {
            if (cancelled) throw new UploadCancelled();
            return attempt(true);
          };
          if (session.access && session.access !== sentToken) return again();
          return refreshTokens().then(function (ok) {
            if (ok) return again();
            throw expiredError(data, headers);
          });
        }
        if (done.status === 401) throw expiredError(data, headers);
        if (done.status < 200 || done.status >= 300) throw new ApiError(done.status, data, headers);
        return { status: done.status, data: data };
      });
    }
    return {
      promise: attempt(false),
      abort: function () {
        cancelled = true;
        if (xhr) xhr.abort();
      }
    };
  }

  function warnLeaving(event) {
    event.preventDefault();
    event.returnValue = "";
    return "";
  }

  var progressAnnounced = 0;

  function announceProgress(text) {
    $("media-progress-live").textContent = text;
  }

  function showUploadProgress(file, loaded, total, startedAt) {
    var bar = $("media-progress-bar");
    total = total || file.size || 1;
    var pct = Math.min(100, Math.floor(loaded * 100 / total));
    bar.setAttribute("value", String(pct));
    bar.value = pct;
    var text = "Đã gửi " + pct + "% — " + formatMB(loaded) + " / " + formatMB(total);
    var elapsed = (Date.now() - startedAt) / 1000;
    if (elapsed > 3 && loaded > 0 && loaded < total) {
      var left = Math.max(1, Math.round((total - loaded) / (loaded / elapsed)));
      text += " · còn khoảng " + formatWait(left);
    }
    $("media-progress-text").textContent = text;
    var step = Math.floor(pct / 25) * 25;
    if (step > progressAnnounced && step < 100) {
      progressAnnounced = step;
      announceProgress("Đã gửi " + step + "%.");
    }
  }

  function showUploadProcessing(file) {
    var bar = $("media-progress-bar");
    bar.removeAttribute("value"); // indeterminate: the server is working now
    $("media-progress-text").textContent = mediaKindOf(file) === "image"
      ? "Đã gửi xong. Máy chủ đang xử lý ảnh (kiểm tra nội dung, xóa thông tin vị trí, tạo bản thu nhỏ)…"
      : "Đã gửi xong. Máy chủ đang kiểm tra và lưu tệp…";
    announceProgress("Đã gửi xong, máy chủ đang xử lý tệp.");
  }

  function setUploading(file) {
    var uploading = !!file;
    $("media-upload-fields").disabled = uploading;
    $("media-progress").hidden = !uploading;
    var cancel = $("media-cancel");
    cancel.hidden = !uploading;
    cancel.disabled = false;
    cancel.textContent = "Hủy tải lên";
    if (uploading) {
      progressAnnounced = 0;
      $("media-progress-label").textContent = "Đang tải lên «" + file.name + "»";
      window.addEventListener("beforeunload", warnLeaving);
    } else {
      window.removeEventListener("beforeunload", warnLeaving);
      $("media-progress-text").textContent = "";
      $("media-progress-bar").setAttribute("value", "0");
      announceProgress("");
    }
  }

  function runUpload(form, file, data, entered) {
    var st = state.media;
    var startedAt = Date.now();
    var sent = false;
    var job = uploadForm("/media", data, {
      progress: function (loaded, total) { if (!sent) showUploadProgress(file, loaded, total, startedAt); },
      sent: function () { sent = true; showUploadProcessing(file); }
    });
    st.upload = job;
    setUploading(file);
    showUploadProgress(file, 0, file.size, startedAt);
    announceProgress("Bắt đầu tải lên «" + file.name + "».");

    function finish() {
      if (state.media.upload === job) state.media.upload = null;
      setUploading(null);
    }

    return job.promise.then(function (result) {
      finish();
      if (job.silent) return null;
      var asset = result.data;
      var box = form.querySelector(".form-message");
      form.reset();
      if (asset.duplicate) {
        var extra = mayEditAsset(asset) ? el("div", { className: "actions" },
          el("button", { type: "button", className: "button secondary small", text: "Sửa thông tin tệp đó",
            onclick: function () { openMediaEdit(asset, entered); } })) : null;
        showMessage(box, "info", "Thư viện đã có đúng tệp này («" + assetName(asset) + "», tải lên lúc " +
          formatDateTime(asset.created_at) + "), nên không tạo bản mới. Thông tin vừa nhập chưa được ghi vào tệp đó.", extra);
      } else {
        formSuccess(form, "Đã tải lên «" + assetName(asset) + "» (" + formatMB(asset.size) + ")." +
          (asset.kind === "image" ? " Thông tin vị trí (EXIF/GPS) trong ảnh đã được xóa." : ""));
      }
      state.media.page = 1;
      return loadMedia(true);
    }, function (err) {
      finish();
      if (job.silent) return null;
      if (err instanceof UploadCancelled) {
        showMessage(form.querySelector(".form-message"), "info", sent
          ? "Đã dừng chờ máy chủ. Tệp có thể vẫn được lưu: hãy tải lại danh sách để kiểm tra."
          : "Đã hủy tải lên «" + file.name + "».");
        return null;
      }
      if (err instanceof ApiError && err.status === 0 && !sent && file.size > 5 * MB) {
        err.message = "Việc tải lên bị ngắt giữa chừng. Kiểm tra kết nối mạng và dung lượng tệp rồi thử lại.";
      }
      throw err;
    });
  }

  function previewChosenFile(file) {
    var st = state.media;
    var img = $("media-file-preview");
    if (st.previewUrl) { URL.revokeObjectURL(st.previewUrl); st.previewUrl = null; }
    img.hidden = true;
    img.removeAttribute("src");
    if (file && mediaKindOf(file) === "image" && file.size <= MEDIA_LIMITS.image && window.URL && URL.createObjectURL) {
      st.previewUrl = URL.createObjectURL(file);
      img.src = st.previewUrl;
      img.hidden = false;
    }
  }

  // -- people who may be credited ------------------------------------------------

  function ensureMediaPeople() {
    var st = state.media;
    if (st.people) return Promise.resolve(st.people);
    if (!isTenantAdmin() && !isPlatformAdmin()) {
      st.people = [];
      return Promise.resolve(st.people);
    }
    if (!st.peopleLoading) {
      var query = { per_page: 100 };
      if (isPlatformAdmin()) query.tenant_id = state.me.tenant.id; // uploads belong to one's own tenant
      var mine = st;
      st.peopleLoading = request("GET", "/users", { query: query }).then(function (data) {
        var collator = typeof Intl !== "undefined" && Intl.Collator ? new Intl.Collator("vi") : null;
        mine.people = data.items.filter(function (u) { return u.status !== "deactivated"; }).sort(function (a, b) {
          return collator ? collator.compare(a.full_name, b.full_name) : (a.full_name < b.full_name ? -1 : 1);
        });
        mine.peopleTotal = data.total;
        return mine.people;
      }, function () {
        return []; // only "myself" then; try again next time
      }).then(function (people) {
        mine.peopleLoading = null;
        return people;
      });
    }
    return st.peopleLoading;
  }

  function personName(id) {
    if (!id || !state.me) return "";
    if (id === state.me.user.id) return state.me.user.full_name;
    var people = state.media.people || [];
    for (var i = 0; i < people.length; i++) if (people[i].id === id) return people[i].full_name;
    return "";
  }

  /** The photographer picker: nobody, myself, and (for administrators) the tenant's accounts. */
  function fillCreditSelect(select, selected, currentName) {
    var me = state.me.user;
    clear(select);
    select.appendChild(el("option", { value: "", text: "— Không chọn tài khoản —" }));
    select.appendChild(el("option", { value: me.id, text: "Tôi — " + me.full_name }));
    var others = (state.media.people || []).filter(function (p) { return p.id !== me.id; });
    if (others.length) {
      var group = el("optgroup", { label: "Tài khoản trong đơn vị" });
      others.forEach(function (p) {
        group.appendChild(el("option", { value: p.id, text: p.full_name + " (" + p.username + ")" }));
      });
      select.appendChild(group);
    }
    if (selected && !personName(selected)) {
      select.appendChild(el("option", { value: selected,
        text: (currentName || "Tài khoản khác") + " (tài khoản đang được ghi)" }));
    }
    select.value = selected || "";
  }

  function refreshUploadCredit() {
    var select = $("media-credit-user");
    fillCreditSelect(select, select.value, "");
    var hint = $("media-credit-user-hint");
    var text = "Tài khoản của người chụp — dùng để tính nhuận bút.";
    if (!isTenantAdmin() && !isPlatformAdmin()) {
      text += " Nếu người chụp là người khác, hãy ghi tên ở ô «Tên tác giả hiển thị».";
    } else if (state.media.peopleTotal > (state.media.people || []).length && state.media.people) {
      text += " Danh sách chỉ gồm 100 tài khoản đầu tiên; không thấy người chụp thì ghi tên ở ô bên cạnh.";
    }
    hint.textContent = text;
  }

  /** Picking a person fills the display name, unless someone typed a different one. */
  function bindCreditAutofill(form) {
    var select = form.elements.credit_user_id;
    var input = form.elements.credit_name;
    select.addEventListener("change", function () {
      var auto = input.dataset.autofill;
      if (input.value.trim() && (auto === undefined || input.value !== auto)) return;
      var name = personName(select.value);
      input.value = name;
      if (name) input.dataset.autofill = name;
      else delete input.dataset.autofill;
    });
    input.addEventListener("input", function () { delete input.dataset.autofill; });
    form.addEventListener("reset", function () { delete input.dataset.autofill; });
  }

  // -- list --------------------------------------------------------------------

  function renderMediaScope() {
    var own = state.me.tenant.name;
    var note = $("media-scope-note");
    clear(note);
    if (isPlatformAdmin()) {
      append(note, ["Là quản trị hệ thống, bạn thấy tệp của mọi đơn vị; tệp bạn tải lên thuộc ",
        el("strong", { text: own }), "."]);
    } else {
      append(note, ["Ảnh, video và tài liệu của ", el("strong", { text: own }), "."]);
      if (!hasAnyRole(MEDIA_EDITOR_ROLES)) append(note, " Bạn sửa được thông tin của các tệp do chính mình tải lên.");
    }
  }

  function openMedia() {
    renderMediaScope();
    refreshUploadCredit();
    ensureMediaPeople().then(function () { if (state.me) refreshUploadCredit(); });
    loadMedia();
  }

  function mediaPlaceholder(grid, text, loading) {
    clear(grid);
    var li = el("li", { className: "media-placeholder" });
    if (loading) append(li, el("span", { className: "spinner", "aria-hidden": "true" }));
    append(li, " " + text);
    grid.appendChild(li);
  }

  /** Load the current page. keepMessage: leave the section's message (e.g. after an upload) alone. */
  function loadMedia(keepMessage) {
    var st = state.media;
    var seq = ++st.seq;
    var grid = $("media-grid");
    var focusKey = document.activeElement && grid.contains(document.activeElement)
      ? document.activeElement.dataset.focusKey : null;
    if (!st.items.length) mediaPlaceholder(grid, "Đang tải danh sách…", true);
    grid.setAttribute("aria-busy", "true");
    if (!keepMessage) clearMessage(sectionBox("section-media"));
    return request("GET", "/media", { query: { page: st.page, per_page: MEDIA_PER_PAGE, kind: st.kind, q: st.q } })
      .then(function (data) {
        if (seq !== st.seq) return;
        var pages = Math.max(1, Math.ceil(data.total / data.per_page));
        if (!data.items.length && st.page > pages) { st.page = pages; return loadMedia(keepMessage); }
        st.items = data.items;
        st.loadedAt = Date.now();
        st.staleReload = false;
        renderMedia(data, focusKey);
      })
      .catch(function (err) {
        if (seq !== st.seq) return;
        st.items = [];
        mediaPlaceholder(grid, "Không tải được danh sách.");
        showError(sectionBox("section-media"), err, $("media-filter"));
      })
      .then(function () {
        if (seq === st.seq) grid.removeAttribute("aria-busy");
      });
  }

  function renderMedia(data, focusKey) {
    var grid = $("media-grid");
    clear(grid);
    if (!data.items.length) {
      mediaPlaceholder(grid, state.media.q || state.media.kind
        ? "Không có tệp nào khớp với điều kiện tìm."
        : "Chưa có tệp nào. Hãy tải tệp đầu tiên lên bằng biểu mẫu phía trên.");
    }
    data.items.forEach(function (asset) { grid.appendChild(mediaCard(asset)); });
    renderPager($("media-pager"), data, "tệp", function (page) {
      state.media.page = page;
      loadMedia();
      focusHeading($("media-list-title"));
    });
    focusKey = focusKey || state.media.focusAfter;
    state.media.focusAfter = null;
    if (focusKey) {
      var again = grid.querySelector("[data-focus-key='" + focusKey.replace(/[^\w:-]/g, "") + "']");
      if (again) again.focus();
    }
  }

  /** A file-type picture drawn by the stylesheet, with the format written on it. */
  function fileIcon(asset) {
    return el("span", { className: "file-icon " + (asset.kind || "document"), "aria-hidden": "true" },
      el("span", { className: "file-icon-format", text: String(asset.format || asset.kind || "").toUpperCase() }));
  }

  function mediaPreview(asset, rendition) {
    var box = el("div", { className: "media-thumb " + asset.kind });
    var r = asset.renditions || {};
    var picture = asset.kind === "image" ? r[rendition] || r.thumb || r.medium : null;
    if (picture && picture.url) {
      var img = el("img", {
        src: picture.url, alt: asset.alt_text || asset.caption || "", loading: "lazy", decoding: "async",
        width: picture.width, height: picture.height
      });
      img.addEventListener("error", function () { thumbnailFailed(box, asset); });
      box.appendChild(img);
    } else {
      box.appendChild(fileIcon(asset));
    }
    return box;
  }

  /** An expired link first reloads the list (fresh links); a broken picture becomes an icon. */
  function thumbnailFailed(box, asset) {
    var st = state.media;
    if (mediaLinksStale() && !st.staleReload && box.closest("#media-grid")) {
      st.staleReload = true;
      loadMedia(true);
      return;
    }
    clear(box);
    box.appendChild(fileIcon(asset));
    box.appendChild(el("span", { className: "media-thumb-note", text: "Không hiển thị được ảnh xem trước" }));
  }

  function mediaCard(asset) {
    var name = assetName(asset);
    var r = asset.renditions || {};
    var facts = [MEDIA_KIND_LABELS[asset.kind] || asset.kind];
    if (asset.format) facts.push(String(asset.format).toUpperCase());
    facts.push(formatMB(asset.size));
    if (asset.width && asset.height) facts.push(asset.width + " × " + asset.height + " px");

    var badges = el("p", { className: "media-badges" },
      asset.referenced ? badge(["Đang được dùng", "ok"]) : badge(["Chưa dùng", "muted"]),
      asset.public ? badge(["Công khai", "ok"]) : null,
      asset.kind === "image" && !asset.alt_text ? badge(["Thiếu văn bản thay thế", "warn"]) : null);

    var actions = el("div", { className: "row-actions" });
    var original = r.original;
    if (original && original.url) {
      actions.appendChild(el("a", {
        href: original.url, target: "_blank", rel: "noopener noreferrer", className: "button secondary small",
        text: asset.kind === "image" ? "Xem ảnh gốc" : "Mở tệp", dataset: { focusKey: "open:" + asset.id },
        "aria-label": (asset.kind === "image" ? "Xem ảnh gốc " : "Mở tệp ") + name + " (mở thẻ mới)",
        onclick: function (event) {
          if (!mediaLinksStale()) return;
          event.preventDefault(); // the link has expired: fetch fresh ones, then the user clicks again
          loadMedia(true).then(function () {
            toast("Đường dẫn cũ đã hết hạn nên danh sách vừa được tải lại. Hãy bấm lại để mở tệp.");
          });
        }
      }));
    }
    if (mayEditAsset(asset)) {
      actions.appendChild(el("button", {
        type: "button", className: "button secondary small", text: "Sửa thông tin",
        dataset: { focusKey: "edit:" + asset.id }, "aria-label": "Sửa thông tin tệp " + name,
        onclick: function () { openMediaEdit(asset); }
      }));
    }

    return el("li", { className: "media-card" },
      mediaPreview(asset, "thumb"),
      el("div", { className: "media-body" },
        el("p", { className: "media-name break", text: name, title: name }),
        el("p", { className: "media-facts", text: facts.join(" · ") }),
        asset.caption ? el("p", { className: "media-caption", text: asset.caption }) : null,
        asset.credit_name ? el("p", { className: "media-credit", text: "Tác giả: " + asset.credit_name }) : null,
        badges,
        el("p", { className: "media-date", text: "Tải lên " + formatDateTime(asset.created_at) }),
        actions));
  }

  // -- edit --------------------------------------------------------------------

  /** Open the edit dialog; overrides (non-empty values just typed) win over the stored ones. */
  function openMediaEdit(asset, overrides) {
    var st = state.media;
    var dialog = $("media-edit-dialog");
    var form = $("media-edit-form");
    st.editing = asset;
    st.editOpener = document.activeElement;
    clearFormErrors(form);
    var values = {};
    MEDIA_FIELDS.forEach(function (name) {
      var given = overrides && overrides[name];
      values[name] = given ? given : (asset[name] === null || asset[name] === undefined ? "" : String(asset[name]));
    });
    ["caption", "alt_text", "credit_name", "source", "rights"].forEach(function (name) {
      form.elements[name].value = values[name];
    });
    fillCreditSelect(form.elements.credit_user_id, values.credit_user_id, asset.credit_name);
    var input = form.elements.credit_name;
    if (values.credit_name && values.credit_name === personName(values.credit_user_id)) input.dataset.autofill = values.credit_name;
    else delete input.dataset.autofill;

    var preview = $("media-edit-preview");
    clear(preview);
    preview.appendChild(mediaPreview(Object.assign({}, asset, { alt_text: "", caption: "" }), "thumb"));
    var facts = (MEDIA_KIND_LABELS[asset.kind] || asset.kind) + " · " + formatMB(asset.size) +
      (asset.width && asset.height ? " · " + asset.width + " × " + asset.height + " px" : "");
    var file = $("media-edit-file");
    clear(file);
    append(file, [el("strong", { className: "break", text: assetName(asset) }), el("span", { className: "muted block", text: facts })]);
    $("media-edit-alt").closest(".field").hidden = asset.kind !== "image" && !values.alt_text;

    if (typeof dialog.showModal === "function") {
      if (!dialog.open) dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
    form.elements.caption.focus();
  }

  function closeMediaEdit() {
    var dialog = $("media-edit-dialog");
    if (typeof dialog.close === "function") { if (dialog.open) dialog.close(); }
    else { dialog.removeAttribute("open"); mediaEditClosed(); }
  }

  function mediaEditClosed() {
    var st = state.media;
    var opener = st.editOpener;
    var key = st.editing ? "edit:" + st.editing.id : null;
    st.editing = null;
    st.editOpener = null;
    if (opener && opener.isConnected && opener.focus) { opener.focus(); return; }
    var again = key && $("media-grid").querySelector("[data-focus-key='" + key.replace(/[^\w:-]/g, "") + "']");
    if (again) again.focus();
  }

  // -- wiring ------------------------------------------------------------------

  function resetMedia() {
    var st = state.media;
    if (st.upload) { st.upload.silent = true; st.upload.abort(); }
    if (st.previewUrl) URL.revokeObjectURL(st.previewUrl);
    if (st.editing) closeMediaEdit();
    state.media = newMediaState(st.seq + 1);
    setUploading(null);
    clear($("media-grid"));
    clear($("media-pager"));
    clear($("media-edit-preview"));
    $("media-file-preview").hidden = true;
    $("media-file-preview").removeAttribute("src");
    var edit = $("media-edit-form");
    edit.reset();
    clearFormErrors(edit);
  }

  function initMedia() {
    var form = $("media-upload-form");
    var input = $("media-file");
    var fileName = $("media-file-name");

    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      clearFormErrors(form);
      fileName.textContent = file ? file.name + " (" + formatMB(file.size) + ")" : "Chưa chọn tệp nào.";
      previewChosenFile(file);
      var problem = file ? checkMediaFile(file) : null;
      if (problem) markField(form, input, [problem]);
    });
    form.addEventListener("reset", function () {
      fileName.textContent = "Chưa chọn tệp nào.";
      previewChosenFile(null);
    });

    // Drag and drop onto the file field.
    var zone = $("media-dropzone");
    function carriesFiles(event) {
      var types = event.dataTransfer && event.dataTransfer.types;
      return !!types && Array.prototype.indexOf.call(types, "Files") !== -1;
    }
    zone.addEventListener("dragover", function (event) {
      if (!carriesFiles(event) || state.media.upload) return;
      event.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", function (event) {
      if (!zone.contains(event.relatedTarget)) zone.classList.remove("dragging");
    });
    zone.addEventListener("drop", function (event) {
      zone.classList.remove("dragging");
      if (!carriesFiles(event) || state.media.upload) return;
      event.preventDefault();
      var files = event.dataTransfer.files;
      if (!files || !files.length) return;
      try {
        var one = new DataTransfer();
        one.items.add(files[0]);
        input.files = one.files;
      } catch (e) {
        return; // an old browser: the picker button still works
      }
      input.dispatchEvent(new Event("change"));
      input.focus();
    });

    bindCreditAutofill(form);
    bindCreditAutofill($("media-edit-form"));

    bindForm(form, function (form) {
      var file = form.elements.file.files[0];
      var problem = checkMediaFile(file);
      if (problem) throw fieldError(form, "file", problem);
      var entered = {};
      var data = new FormData();
      // Text fields first: the gateway hands them to the media service together with the file.
      MEDIA_FIELDS.forEach(function (name) {
        var value = form.elements[name].value.trim();
        if (value) { data.append(name, value); entered[name] = value; }
      });
      data.append("file", file, file.name);
      // A long upload should not be the request that finds the access token expired:
      // one small call first refreshes it when needed.
      return request("GET", "/me").then(function () { return runUpload(form, file, data, entered); });
    }, "Đang tải lên…");

    $("media-cancel").addEventListener("click", function () {
      var job = state.media.upload;
      if (!job) return;
      this.disabled = true;
      this.textContent = "Đang hủy…";
      job.abort();
    });

    $("media-filter").addEventListener("submit", function (event) {
      event.preventDefault();
      var filter = event.target;
      state.media.q = filter.elements.q.value.trim();
      state.media.kind = filter.elements.kind.value;
      state.media.page = 1;
      loadMedia();
    });
    $("media-kind").addEventListener("change", function () {
      state.media.kind = this.value;
      state.media.page = 1;
      loadMedia();
    });
    $("media-reload").addEventListener("click", function () { loadMedia(); });

    bindForm($("media-edit-form"), function (form) {
      var asset = state.media.editing;
      if (!asset) return null;
      var body = {};
      MEDIA_FIELDS.forEach(function (name) {
        var value = form.elements[name].value.trim();
        var before = asset[name] === null || asset[name] === undefined ? "" : String(asset[name]);
        if (value !== before) body[name] = value === "" ? null : value;
      });
      if (!Object.keys(body).length) { closeMediaEdit(); return null; }
      return request("PATCH", "/media/" + encodeURIComponent(asset.id), { json: body }).then(function (saved) {
        state.media.focusAfter = "edit:" + saved.id; // back on the card's button once the list is redrawn
        closeMediaEdit();
        return loadMedia().then(function () {
          showMessage(sectionBox("section-media"), "success", "Đã lưu thông tin của «" + assetName(saved) + "».");
        });
      });
    }, "Đang lưu…");

    var dialog = $("media-edit-dialog");
    dialog.addEventListener("close", mediaEditClosed);
    dialog.querySelector("[data-action=cancel-media-edit]").addEventListener("click", closeMediaEdit);

    // Links expire: coming back to the tab after a while brings a fresh list.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "visible" || !state.me || state.section !== "media") return;
      if (state.media.loadedAt && mediaLinksStale() && !state.media.editing) loadMedia(true);
    });
  }

  // ---------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------

  function start() {
    $("import-header").textContent = IMPORT_HEADER;
    initAuth();
    initShell();
    initTenants();
    initUnits();
    initUsers();
    initStaff();
    initMedia();

    var params = new URLSearchParams(location.search);
    if (location.pathname === "/activate" || params.has("token")) {
      showActivate(params.get("token") || "");
      return;
    }
    if (!session.access && !session.refresh) {
      showLogin({});
      return;
    }
    showView("view-loading");
    loadConsole().catch(function (err) {
      if (err && err.sessionEnded) return;
      session.clear();
      showLogin({ message: (err && err.message) || "Không tải được thông tin tài khoản. Vui lòng đăng nhập lại.", kind: "error" });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
