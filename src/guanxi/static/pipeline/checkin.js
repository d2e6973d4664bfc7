// The field check-in (INTG-5): fill the form's hidden latitude/longitude/accuracy from the
// browser's location. No inline script (CSP), nothing fetched from anywhere.
(function () {
  "use strict";
  var form = document.getElementById("gx-checkin-form");
  if (!form) { return; }
  var status = document.getElementById("gx-checkin-status");
  var button = document.getElementById("gx-checkin-locate");

  function say(text) { if (status) { status.textContent = text; } }

  function locate() {
    if (!("geolocation" in navigator)) { say(form.dataset.msgUnsupported); return; }
    say(form.dataset.msgLocating);
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      form.elements.latitude.value = c.latitude.toFixed(6);
      form.elements.longitude.value = c.longitude.toFixed(6);
      form.elements.accuracy_m.value = Math.round(c.accuracy || 0);
      say(form.dataset.msgFound.replace("{accuracy}", String(Math.round(c.accuracy || 0))));
    }, function () {
      say(form.dataset.msgDenied);
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  if (button) { button.addEventListener("click", locate); }
  if (!form.elements.latitude.value) { locate(); }
})();
