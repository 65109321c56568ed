// tm site behaviour: sortable tables, table filters and search. No network,
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

  function makeFilter(box) {
    var table = document.getElementById(box.getAttribute("data-filter-for"));
    if (!table) return;
    var controls = box.querySelectorAll("[data-filter]");
    var counter = box.querySelector(".filter-count");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows).filter(function (r) { return r.id; });
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = true;
        Array.prototype.forEach.call(controls, function (c) {
          var want = c.value.trim().toLowerCase();
          if (!want) return;
          var field = c.getAttribute("data-filter");
          if (field === "text") {
            ok = ok && want.split(/\s+/).every(function (w) { return row.textContent.toLowerCase().indexOf(w) >= 0; });
          } else {
            ok = ok && (" " + row.getAttribute("data-" + field) + " ").indexOf(" " + want + " ") >= 0;
          }
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (counter) counter.textContent = shown + " of " + rows.length + " shown";
    }
    Array.prototype.forEach.call(controls, function (c) {
      c.addEventListener("input", apply);
      c.addEventListener("change", apply);
    });
    apply();
  }

  function runSearch() {
    var input = document.getElementById("search-input");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    if (!input || !list || !window.TM_SEARCH) return;
    var index = window.TM_SEARCH.map(function (e) {
      return { e: e, hay: (e[1] + " " + e[3] + " " + e[4]).toLowerCase() };
    });
    function show() {
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      list.textContent = "";
      if (!words.length) { status.textContent = "Type to search every model, component, threat and mitigation."; return; }
      var hits = index.filter(function (x) {
        return words.every(function (w) { return x.hay.indexOf(w) >= 0; });
      });
      status.textContent = hits.length + (hits.length === 1 ? " result" : " results") + (hits.length > 200 ? " (first 200 shown)" : "");
      hits.slice(0, 200).forEach(function (x) {
        var li = document.createElement("li");
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = x.e[0];
        var a = document.createElement("a");
        a.href = x.e[2];
        a.textContent = x.e[1];
        var where = document.createElement("span");
        where.className = "snippet";
        where.textContent = x.e[3] + (x.e[4] ? " — " + x.e[4] : "");
        li.appendChild(kind); li.appendChild(a); li.appendChild(where);
        list.appendChild(li);
      });
    }
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) input.value = q;
    input.addEventListener("input", show);
    show();
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-for]"), makeFilter);
  runSearch();
})();
