/* Pipeline board (INT-8): drag a card to another stage column (mouse or touch).
   A drop POSTs to the move view; success shows the target stage's guidance, a refusal
   puts the card back where it was and shows the message. */
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function yuan(amount) {
    return "¥" + amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function adjustCount(list, delta, item) {
    var column = list.closest(".gx-board-column");
    var badge = column.querySelector(".gx-board-count");
    if (!badge || badge.dataset.capped === "1") return;
    var count = parseInt(badge.dataset.count || "0", 10) + delta;
    badge.dataset.count = String(count);
    badge.textContent = count.toLocaleString();
    var sum = column.querySelector(".gx-board-amount");
    var amount = parseFloat(item.dataset.amount || "");
    if (!sum || sum.dataset.capped === "1" || isNaN(amount)) return;
    // in fen, so that adding and taking away cards leaves no floating-point crumbs
    var fen = Math.round(parseFloat(sum.dataset.amount || "0") * 100) + delta * Math.round(amount * 100);
    sum.dataset.amount = (fen / 100).toFixed(2);
    sum.textContent = yuan(fen / 100);
  }

  /* A card's expected amount changed on the card: move its column's sum by the difference. */
  function onExpectation(evt) {
    var change = evt.detail || {};
    var card = document.querySelector('#gx-board .gx-card[data-customer="' + change.customer + '"]');
    if (!card) return;
    var sum = card.closest(".gx-board-column").querySelector(".gx-board-amount");
    if (!sum || sum.dataset.capped === "1" || sum.dataset.amount === "") return;
    var delta = Math.round(parseFloat(change.to || "0") * 100) - Math.round(parseFloat(change.from || "0") * 100);
    if (isNaN(delta)) return;
    var fen = Math.round(parseFloat(sum.dataset.amount || "0") * 100) + delta;
    sum.dataset.amount = (fen / 100).toFixed(2);
    sum.textContent = yuan(fen / 100);
  }

  /* A column folds to a narrow strip (拒绝 starts folded); the choice is remembered per
     stage in this browser. */
  function setCollapsed(column, collapsed) {
    column.classList.toggle("gx-board-column--collapsed", collapsed);
    var toggle = column.querySelector("[data-board-toggle]");
    if (toggle) toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
  }

  function initCollapse(board) {
    board.querySelectorAll("[data-stage-column]").forEach(function (column) {
      var key = "gx-board-collapsed-" + column.dataset.stageColumn;
      var stored = null;
      try {
        stored = window.localStorage.getItem(key);
      } catch (e) {
        stored = null;
      }
      if (stored !== null) setCollapsed(column, stored === "1");
      var toggle = column.querySelector("[data-board-toggle]");
      if (!toggle) return;
      toggle.addEventListener("click", function () {
        var collapsed = !column.classList.contains("gx-board-column--collapsed");
        setCollapsed(column, collapsed);
        try {
          window.localStorage.setItem(key, collapsed ? "1" : "0");
        } catch (e) {
          /* private mode: the choice lasts for this page only */
        }
      });
    });
  }

  function showError(message) {
    var box = document.getElementById("board-error");
    box.textContent = message;
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  function showGuidance(html) {
    var panel = document.getElementById("board-guidance");
    document.getElementById("board-guidance-body").innerHTML = html;
    panel.hidden = false;
  }

  function snapBack(evt) {
    var item = evt.item;
    var reference = evt.from.children[evt.oldIndex] || null;
    evt.from.insertBefore(item, reference);
  }

  function onDrop(evt, moveUrl) {
    if (evt.from === evt.to) return;
    var item = evt.item;
    var body = new FormData();
    body.append("customer", item.dataset.customer);
    body.append("stage", evt.to.dataset.stage);
    document.getElementById("board-error").hidden = true;
    item.classList.add("opacity-50");
    fetch(moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        if (response.ok) {
          return response.text().then(function (html) {
            adjustCount(evt.from, -1, item);
            adjustCount(evt.to, 1, item);
            showGuidance(html);
          });
        }
        return response
          .json()
          .catch(function () {
            return { error: response.statusText };
          })
          .then(function (data) {
            snapBack(evt);
            showError(data.error || response.statusText);
          });
      })
      .catch(function () {
        snapBack(evt);
        showError(document.getElementById("gx-board").dataset.networkError || "Network error");
      })
      .finally(function () {
        item.classList.remove("opacity-50");
      });
  }

  function init() {
    var board = document.getElementById("gx-board");
    if (!board) return;
    initCollapse(board);
    document.body.addEventListener("gx-expectation", onExpectation);
    if (typeof Sortable === "undefined") return;
    var moveUrl = board.dataset.moveUrl;
    board.querySelectorAll(".gx-board-list").forEach(function (list) {
      Sortable.create(list, {
        group: "gx-board",
        draggable: ".gx-card",
        animation: 150,
        delay: 150,
        delayOnTouchOnly: true,
        touchStartThreshold: 5,
        ghostClass: "gx-card-ghost",
        onEnd: function (evt) {
          onDrop(evt, moveUrl);
        },
      });
    });
    document.querySelectorAll("[data-close-guidance]").forEach(function (button) {
      button.addEventListener("click", function () {
        document.getElementById("board-guidance").hidden = true;
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
