/* The amount of a royalty item as the officer types (the page works without this script).
 *
 * The royalties service's formula and its one rounding (services/royalties/royalties/items/domain.py):
 *   amount = coefficient × unit value × adjustment factor × share % × site share %,
 *   factor = (translation % / 100, when a translation, else 1) × (1 + Σ other % / 100),
 * computed exactly (integers, BigInt) and rounded half up to the whole đồng once. The figure the
 * server saves is the authoritative one; this is shown as «tạm tính». */
(function () {
  "use strict";

  // A typed decimal ("7,5", "7.25") as an integer of hundredths, or null (blank or not a number
  // with at most two places: the server will say what is wrong).
  function hundredths(text) {
    var value = (text || "").trim().replace(/\s/g, "").replace(",", ".");
    if (!/^\d+(\.\d{1,2})?$/.test(value)) return null;
    var parts = value.split(".");
    var fraction = ((parts[1] || "") + "00").slice(0, 2);
    return BigInt(parts[0]) * 100n + BigInt(fraction);
  }

  function grouped(n) {
    return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function amount(row) {
    var unit = row.getAttribute("data-unit-value");
    var coefficient = hundredths(row.querySelector(".roy-coefficient").value);
    if (!unit || coefficient === null) return null;
    var translation = 10000n; // the factor, in ten-thousandths
    var bonus = 0n; // Σ other percents, in hundredths of a percent
    var inputs = row.querySelectorAll(".roy-adjustment");
    for (var i = 0; i < inputs.length; i++) {
      if (!inputs[i].value.trim()) continue;
      var percent = hundredths(inputs[i].value);
      if (percent === null) return null;
      if (inputs[i].getAttribute("data-kind") === "translation") translation = percent;
      else bonus += percent;
    }
    var numerator = coefficient * BigInt(unit) * translation * (10000n + bonus) *
      BigInt(row.getAttribute("data-share")) * BigInt(row.getAttribute("data-site-share"));
    var denominator = 100n * 10000n * 10000n * 100n * 100n;
    return (2n * numerator + denominator) / (2n * denominator); // half up, non-negative
  }

  function update(row) {
    var out = row.querySelector("output");
    if (!out) return;
    var value = amount(row);
    out.textContent = value === null ? "nhập hệ số để xem số tiền tạm tính" : grouped(value) + " đ (tạm tính)";
  }

  document.addEventListener("input", function (event) {
    var row = event.target.closest && event.target.closest(".roy-item");
    if (row) update(row);
  });
  // Enter in a row's field saves that row (its own «Lưu điểm»), as a person expects.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches || !event.target.matches(".roy-item input")) return;
    var button = event.target.closest(".roy-item").querySelector("button[name=luu]");
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var rows = document.querySelectorAll(".roy-item");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].querySelector(".roy-coefficient").value.trim() && !rows[i].querySelector("output").textContent.includes("đã lưu")) update(rows[i]);
    }
  });
})();
