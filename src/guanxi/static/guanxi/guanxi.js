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
