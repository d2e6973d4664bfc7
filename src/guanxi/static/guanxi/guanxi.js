/* Guanxi: confirmation for destructive forms (works with and without htmx). */
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); e.stopImmediatePropagation(); }
}, true);

/* Keep pushed URLs short: drop empty filter values from htmx GET requests. */
document.addEventListener("htmx:configRequest", function (e) {
  if (e.detail.verb !== "get") return;
  var params = e.detail.parameters;
  var entries = typeof params.entries === "function" ? Array.from(params.entries()) : Object.entries(params);
  entries.forEach(function (pair) {
    if (pair[1] === "") {
      if (typeof params.delete === "function") params.delete(pair[0]); else delete params[pair[0]];
    }
  });
});

/* A contract's money panel: an action answers 204 with the event "gx-receivables-changed"
   ({notice: code}); the panel then reloads itself and shows the notice. */
document.body.addEventListener("gx-receivables-changed", function (e) {
  var panel = document.getElementById("gx-receivables");
  if (!panel || !window.htmx) return;
  var url = panel.getAttribute("data-reload-url");
  var notice = (e.detail && e.detail.notice) || "";
  htmx.ajax("GET", url + (url.indexOf("?") < 0 ? "?" : "&") + "notice=" + encodeURIComponent(notice),
            {target: "#gx-receivables", swap: "outerHTML"});
});

/* An htmx request that fails (403, 404, 409, 5xx or no answer) is not swapped; say so at the
   top of the page instead of leaving the click without effect. A 422 is a form with its errors
   and is swapped in place (htmx-config in base.html). */
function gxRequestError(key) {
  var box = document.getElementById("gx-request-error");
  if (!box) return;
  box.querySelector("[data-text]").textContent =
    box.getAttribute("data-msg-" + key) || box.getAttribute("data-msg-other");
  box.hidden = false;
  box.scrollIntoView({block: "nearest"});
}
/* A background poll (the caller's card, data-gx-background) says nothing when it fails and
   does not hide a message another request showed. */
function gxBackground(e) {
  return !!(e.detail && e.detail.elt && e.detail.elt.hasAttribute &&
            e.detail.elt.hasAttribute("data-gx-background"));
}
document.body.addEventListener("htmx:responseError", function (e) {
  if (gxBackground(e)) return;
  var status = e.detail.xhr ? e.detail.xhr.status : 0;
  gxRequestError([403, 404, 409].indexOf(status) >= 0 ? String(status) : "other");
});
document.body.addEventListener("htmx:sendError", function (e) {
  if (!gxBackground(e)) gxRequestError("network");
});
document.body.addEventListener("htmx:beforeRequest", function (e) {
  if (gxBackground(e)) return;
  var box = document.getElementById("gx-request-error");
  if (box) box.hidden = true;
});
document.addEventListener("click", function (e) {
  var close = e.target.closest && e.target.closest("#gx-request-error [data-gx-hide]");
  if (close) { e.preventDefault(); close.parentNode.hidden = true; }
});

/* Behaviour that templates ask for with data- attributes: the Content-Security-Policy allows
   no inline script or on…= handlers (docs/decisions.md). */
function gxClosestData(e, name) {
  return e.target.closest ? e.target.closest("[" + name + "]") : null;
}

document.addEventListener("click", function (e) {
  var el;
  /* Copy a shown-once value (a new API token) to the clipboard. */
  if ((el = gxClosestData(e, "data-copy-target"))) {
    var input = document.getElementById(el.getAttribute("data-copy-target"));
    if (!input) return;
    input.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(input.value); } else { document.execCommand("copy"); }
    if (el.getAttribute("data-copied")) el.textContent = el.getAttribute("data-copied");
  } else if ((el = gxClosestData(e, "data-gx-print"))) {
    window.print();
  } else if ((el = gxClosestData(e, "data-gx-remove"))) {
    /* Remove a repeated row of a form (a quote line, an item, an approval step). */
    var row = el.closest(el.getAttribute("data-gx-remove"));
    if (row) row.remove();
  } else if ((el = gxClosestData(e, "data-gx-clear"))) {
    var box = el.closest(el.getAttribute("data-gx-clear"));
    if (box) box.innerHTML = "";
  } else if ((el = gxClosestData(e, "data-gx-use-script"))) {
    /* "I used this" on a suggested sales script: remember it with the objection. */
    var objection = el.closest(".gx-objection");
    var field = objection && objection.querySelector("input[type=hidden]");
    if (field) field.value = el.getAttribute("data-gx-use-script");
    if (el.getAttribute("data-used-label")) el.textContent = el.getAttribute("data-used-label");
  } else if ((el = gxClosestData(e, "data-gx-reveal-next"))) {
    /* Show the next hidden part of a repeated group ("Add an objection"). */
    var group = el.closest("[data-gx-reveal]");
    if (!group) return;
    var next = group.querySelector("[data-gx-reveal-item][hidden]");
    if (next) next.hidden = false;
    if (!group.querySelector("[data-gx-reveal-item][hidden]")) el.hidden = true;
  }
});

document.addEventListener("change", function (e) {
  var target = e.target;
  /* A filter select that applies itself. */
  if (target.hasAttribute && target.hasAttribute("data-gx-autosubmit") && target.form) {
    target.form.submit();
    return;
  }
  /* Choosing a product fills price, unit and tax of its line (and the description if empty). */
  if (target.hasAttribute && target.hasAttribute("data-gx-product")) {
    var option = target.selectedOptions && target.selectedOptions[0];
    var line = target.closest(target.getAttribute("data-gx-product"));
    if (option && option.value && line) {
      ["price", "unit", "tax"].forEach(function (key) {
        var input = line.querySelector("[data-gx-fill=" + key + "]");
        if (input) input.value = option.getAttribute("data-" + key) || "";
      });
      var desc = line.querySelector("[data-gx-fill=name]");
      if (desc && !desc.value) desc.value = option.getAttribute("data-name") || "";
    }
  }
  /* Parts of a form shown for some values of a field: [data-gx-switch=<field>] holds them,
     each with data-gx-show-if / data-gx-hide-if = "value value …". */
  var scope = target.closest && target.closest("[data-gx-switch]");
  if (!scope || !target.name) return;
  var name = scope.getAttribute("data-gx-switch");
  if (target.name !== name && target.name.slice(-(name.length + 1)) !== "-" + name) return;
  var value = target.value;
  scope.querySelectorAll("[data-gx-show-if], [data-gx-hide-if]").forEach(function (part) {
    if (part.closest("[data-gx-switch]") !== scope) return;
    var show = part.getAttribute("data-gx-show-if");
    var hide = part.getAttribute("data-gx-hide-if");
    part.hidden = show !== null ? show.split(" ").indexOf(value) < 0 : hide.split(" ").indexOf(value) >= 0;
  });
});
