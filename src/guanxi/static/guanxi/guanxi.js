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
document.body.addEventListener("htmx:responseError", function (e) {
  var status = e.detail.xhr ? e.detail.xhr.status : 0;
  gxRequestError([403, 404, 409].indexOf(status) >= 0 ? String(status) : "other");
});
document.body.addEventListener("htmx:sendError", function () { gxRequestError("network"); });
document.body.addEventListener("htmx:beforeRequest", function () {
  var box = document.getElementById("gx-request-error");
  if (box) box.hidden = true;
});
document.addEventListener("click", function (e) {
  var close = e.target.closest && e.target.closest("#gx-request-error [data-gx-hide]");
  if (close) { e.preventDefault(); close.parentNode.hidden = true; }
});
