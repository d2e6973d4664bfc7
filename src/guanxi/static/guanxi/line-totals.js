/* Running totals of a quote's or a contract's lines, as the server computes them
   (sales/common/money.py): prices include tax; per line, gross = quantity × unit price and
   discount = gross × discount % are each rounded to the fen (half up), total = gross −
   discount, net = total / (1 + tax %) rounded to the fen, tax = total − net; the document
   adds the rounded lines. Exact: amounts are BigInt counts of fen, never floats.

   Markup: [data-gx-lines=<line selector>] holds the lines; inputs are found by the end of
   their name (quantity, unit_price, discount, tax); a blank price or tax falls back to the
   selected product option's data-price / data-tax. [data-gx-lines-totals=<#lines id>] holds
   [data-gx-sum=net|tax|total|count] outputs. A line that cannot be read is left out and
   counted in [data-gx-sum=skipped]. */
(function () {
  /* the stored precision (sales/models/catalog.py): quantity 0.001, price 0.01, rates
     0.0001 (a percent to 0.01); anything finer the server refuses, so it is not counted */
  var PLACES = { quantity: 3, unit_price: 2, discount: 2, tax: 2 };

  function parse(text, places) {
    text = (text || "").trim();
    if (!new RegExp("^\\d{1,12}(\\.\\d{1," + places + "})?$").test(text)) return null;
    var parts = text.split(".");
    var decimals = parts[1] || "";
    return { n: BigInt(parts[0] + decimals), scale: decimals.length };
  }

  function pow10(k) { return BigInt(10) ** BigInt(k); }

  /* a / b rounded half up, for a >= 0, b > 0 */
  function divRound(a, b) { return (a * 2n + b) / (b * 2n); }

  function field(line, name) {
    return line.querySelector('input[name="' + name + '"], input[name$="-' + name + '"]');
  }

  function option(line) {
    var select = line.querySelector('select[name="product"], select[name$="-product"]');
    return select && select.selectedOptions && select.selectedOptions[0];
  }

  function lineAmounts(line) {
    var chosen = option(line);
    var qText = (field(line, "quantity") || {}).value || "";
    var pText = (field(line, "unit_price") || {}).value || "";
    var dText = (field(line, "discount") || {}).value || "";
    var tText = (field(line, "tax") || {}).value || "";
    if (!pText.trim() && chosen) pText = chosen.getAttribute("data-price") || "";
    if (!tText.trim() && chosen) tText = chosen.getAttribute("data-tax") || "";
    if (!qText.trim() && !pText.trim()) return { empty: true };
    var q = parse(qText, PLACES.quantity), p = parse(pText, PLACES.unit_price);
    var d = dText.trim() ? parse(dText, PLACES.discount) : { n: 0n, scale: 0 };
    var t = tText.trim() ? parse(tText, PLACES.tax) : { n: 0n, scale: 0 };
    if (!q || !p || !d || !t || q.n === 0n) return null;
    var dScale = pow10(d.scale) * 100n, tScale = pow10(t.scale) * 100n;
    if (d.n > dScale || t.n >= tScale) return null;
    var gross = divRound(q.n * p.n * 100n, pow10(q.scale + p.scale));
    var discount = divRound(gross * d.n, dScale);
    var total = gross - discount;
    var net = divRound(total * tScale, tScale + t.n);
    return { total: total, net: net, tax: total - net };
  }

  function yuan(fen) {
    var sign = fen < 0n ? "-" : "";
    if (fen < 0n) fen = -fen;
    var whole = (fen / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var cents = (fen % 100n).toString().padStart(2, "0");
    return sign + "¥" + whole + "." + cents;
  }

  function refresh(box) {
    var lines = document.querySelector(box.getAttribute("data-gx-lines-totals"));
    if (!lines) return;
    var sums = { net: 0n, tax: 0n, total: 0n, count: 0, skipped: 0 };
    lines.querySelectorAll(lines.getAttribute("data-gx-lines")).forEach(function (line) {
      var amounts = lineAmounts(line);
      if (amounts === null) { sums.skipped += 1; return; }
      if (amounts.empty) return;
      sums.net += amounts.net; sums.tax += amounts.tax; sums.total += amounts.total;
      sums.count += 1;
    });
    box.querySelectorAll("[data-gx-sum]").forEach(function (out) {
      var key = out.getAttribute("data-gx-sum");
      if (key === "skipped") {
        out.hidden = sums.skipped === 0;
        var n = out.querySelector("[data-gx-sum-count]");
        if (n) n.textContent = String(sums.skipped);
      } else if (key === "count") {
        out.textContent = String(sums.count);
      } else {
        out.textContent = yuan(sums[key]);
      }
    });
  }

  function refreshAll() {
    document.querySelectorAll("[data-gx-lines-totals]").forEach(refresh);
  }

  document.addEventListener("input", function (e) {
    if (e.target.closest && e.target.closest("[data-gx-lines]")) refreshAll();
  });
  document.addEventListener("change", function (e) {
    if (e.target.closest && e.target.closest("[data-gx-lines]")) {
      /* after guanxi.js filled the product's price and tax */
      window.setTimeout(refreshAll, 0);
    }
  });
  /* guanxi.js may remove the row before this listener runs; the button is then outside any
     [data-gx-lines], so any removal recounts */
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-gx-remove]")) {
      window.setTimeout(refreshAll, 0);
    }
  });
  document.addEventListener("htmx:afterSettle", refreshAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refreshAll);
  } else {
    refreshAll();
  }
})();
