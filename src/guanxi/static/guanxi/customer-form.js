/* Customer form: tags as Tom Select chips when the library is present (plain text otherwise). */
document.addEventListener("DOMContentLoaded", function () {
  if (!window.TomSelect) return;
  document.querySelectorAll("input[data-tags]").forEach(function (el) {
    new window.TomSelect(el, { create: true, persist: false, delimiter: ",", plugins: ["remove_button"] });
  });
});
