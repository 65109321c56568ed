// tm site behaviour: sortable tables and table filters (search is search.js). No network,
// no dependencies; every page works without it (it only adds interaction).
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent.trim();
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var r = kind === "num" ? (parseFloat(x) || 0) - (parseFloat(y) || 0)
                                 : x.localeCompare(y, undefined, { numeric: true });
          return ascending ? r : -r;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  // Filter state lives in the URL hash as `#<table id>?<field>=<value>&…`, so
  // a link reproduces the view; permalinks (`#T-1`) are left alone.
  function readHash(id) {
    var h = decodeURIComponent(window.location.hash.slice(1));
    if (h.indexOf(id + "?") !== 0) return null;
    return new URLSearchParams(h.slice(id.length + 1));
  }

  function makeFilter(box) {
    var id = box.getAttribute("data-filter-for");
    var table = document.getElementById(id);
    if (!table) return;
    var controls = box.querySelectorAll("[data-filter]");
    var counter = box.querySelector(".filter-count");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows).filter(function (r) { return r.id; });
    function apply(fromUser) {
      var shown = 0, state = new URLSearchParams();
      Array.prototype.forEach.call(controls, function (c) {
        if (c.value.trim()) state.set(c.getAttribute("data-filter"), c.value.trim());
      });
      rows.forEach(function (row) {
        var ok = true;
        Array.prototype.forEach.call(controls, function (c) {
          var want = c.value.trim().toLowerCase();
          if (!want) return;
          var field = c.getAttribute("data-filter");
          if (field === "text") {
            // Ids (the row's, its target's, its mitigations') count as text.
            var hay = (row.textContent + " " + (row.getAttribute("data-ids") || "")).toLowerCase();
            ok = ok && want.split(/\s+/).every(function (w) { return hay.indexOf(w) >= 0; });
          } else {
            ok = ok && (" " + row.getAttribute("data-" + field) + " ").indexOf(" " + want + " ") >= 0;
          }
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (counter) counter.textContent = shown + " of " + rows.length + " shown";
      if (fromUser && window.history && window.history.replaceState) {
        var q = state.toString();
        var keep = window.location.hash && !readHash(id) ? window.location.hash : "";
        window.history.replaceState(null, "", q ? "#" + id + "?" + q : (keep || window.location.pathname + window.location.search));
      }
    }
    var saved = readHash(id);
    if (saved) {
      Array.prototype.forEach.call(controls, function (c) {
        var v = saved.get(c.getAttribute("data-filter"));
        if (v !== null) c.value = v;
      });
    }
    Array.prototype.forEach.call(controls, function (c) {
      c.addEventListener("input", function () { apply(true); });
      c.addEventListener("change", function () { apply(true); });
    });
    apply(false);
    if (saved) box.scrollIntoView();
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-for]"), makeFilter);
})();
