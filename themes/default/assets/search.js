// tm search: loads the sharded index (assets/search/) on demand through
// <script> tags, which work from file:// as well as http://. The manifest lists
// term shards by prefix; a query loads only the shards its words can match,
// then only the document chunks of the results it shows. No network beyond
// the site itself, no dependencies. The tokenizer matches src/render/search/shards.rs.
(function () {
  "use strict";
  var me = document.currentScript;
  var base = me ? me.src.replace(/[^\/]*$/, "") + "search/" : "assets/search/";
  var PAGE = 50;
  var KINDS = ["model", "component", "flow", "data", "boundary", "threat", "mitigation", "question", "person"];
  var shards = {}, docs = {}, loading = {};

  window.TM_SEARCH_SHARD = function (n, data) { shards[n] = data; };
  window.TM_SEARCH_DOCS = function (n, data) { docs[n] = data; };

  function load(file) {
    if (!loading[file]) {
      loading[file] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = base + file;
        s.onload = resolve;
        s.onerror = function () { delete loading[file]; reject(new Error(file)); };
        document.head.appendChild(s);
      });
    }
    return loading[file];
  }

  // Query words: runs of letters and digits, possibly joined by - _ . @.
  function words(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}\-_.@]+/u)
      .map(function (w) { return w.replace(/^[\-_.@]+|[\-_.@]+$/g, ""); })
      .filter(function (w) { return w.length >= 2; });
  }

  function decode(postings, into, word, term) {
    var id = 0;
    postings.split(",").forEach(function (p) {
      var v = parseInt(p, 36);
      id += v >> 1;
      var score = (term === word ? 4 : 1) + ((v & 1) ? 2 : 0);
      if (!(id in into) || into[id] < score) into[id] = score;
    });
  }

  function shardsFor(manifest, word) {
    var out = [];
    manifest.shards.forEach(function (s, n) {
      var key = s[0];
      if (key.indexOf(word) === 0 || word.indexOf(key) === 0) out.push(n);
    });
    return out;
  }

  function start() {
    var input = document.getElementById("search-input");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var manifest = window.TM_SEARCH_MANIFEST;
    if (!input || !list || !status) return;
    if (!manifest) { status.textContent = "The search index did not load."; return; }
    var generation = 0;
    var more = document.createElement("button");
    more.type = "button";
    more.className = "search-more";
    more.hidden = true;
    list.parentNode.insertBefore(more, list.nextSibling);
    var ranked = [], shown = 0;

    function render(hits, total) {
      list.textContent = "";
      var groups = [], byModel = {};
      hits.forEach(function (h) {
        var d = docs[Math.floor(h.id / manifest.chunk)][h.id % manifest.chunk];
        var g = byModel[d[3]];
        if (!g) { g = byModel[d[3]] = { model: d[3], items: [] }; groups.push(g); }
        g.items.push({ d: d, score: h.score });
      });
      groups.forEach(function (g) {
        var li = document.createElement("li");
        li.className = "result-group";
        var h = document.createElement("h2");
        h.textContent = g.model;
        li.appendChild(h);
        KINDS.forEach(function (kind) {
          var items = g.items.filter(function (x) { return x.d[0] === kind; });
          if (!items.length) return;
          var h3 = document.createElement("h3");
          h3.className = "kind";
          h3.textContent = kind === "data" ? "data assets" : kind + (items.length > 1 ? "s" : "");
          li.appendChild(h3);
          var ul = document.createElement("ul");
          items.forEach(function (x) {
            var item = document.createElement("li");
            var a = document.createElement("a");
            a.href = x.d[2];
            a.textContent = x.d[1];
            item.appendChild(a);
            if (x.d[4]) {
              var snip = document.createElement("span");
              snip.className = "snippet";
              snip.textContent = x.d[4];
              item.appendChild(snip);
            }
            ul.appendChild(item);
          });
          li.appendChild(ul);
        });
        list.appendChild(li);
      });
      status.textContent = total + (total === 1 ? " result" : " results") +
        (total > hits.length ? " (best " + hits.length + " shown)" : "");
      more.hidden = total <= hits.length;
      more.textContent = "Show " + Math.min(PAGE, total - hits.length) + " more";
    }

    // Loads the document chunks of the best `count` hits, then shows them.
    function showBest(count, mine) {
      var hits = ranked.slice(0, count);
      var chunks = {};
      hits.forEach(function (h) { chunks[Math.floor(h.id / manifest.chunk)] = true; });
      return Promise.all(Object.keys(chunks).map(function (c) { return load("d" + c + ".js"); })).then(function () {
        if (mine !== generation) return;
        shown = hits.length;
        render(hits, ranked.length);
      });
    }
    more.addEventListener("click", function () {
      showBest(shown + PAGE, generation).catch(function () {
        status.textContent = "Part of the search index could not be loaded.";
      });
    });

    function search() {
      var mine = ++generation;
      var ws = words(input.value);
      if (!ws.length) {
        list.textContent = "";
        more.hidden = true;
        status.textContent = "Type to search models, components, flows, data, threats, mitigations, questions, people and tracking ids.";
        return;
      }
      var needed = {};
      ws.forEach(function (w) { shardsFor(manifest, w).forEach(function (n) { needed[n] = true; }); });
      status.textContent = "Searching…";
      Promise.all(Object.keys(needed).map(function (n) { return load("s" + n + ".js"); })).then(function () {
        if (mine !== generation) return;
        var scores = null;
        ws.forEach(function (w) {
          var found = {};
          shardsFor(manifest, w).forEach(function (n) {
            var shard = shards[n] || {};
            Object.keys(shard).forEach(function (term) {
              if (term.indexOf(w) === 0) decode(shard[term], found, w, term);
            });
          });
          if (scores === null) { scores = found; return; }
          var both = {};
          Object.keys(scores).forEach(function (id) { if (id in found) both[id] = scores[id] + found[id]; });
          scores = both;
        });
        var hits = Object.keys(scores).map(function (id) { return { id: +id, score: scores[id] }; });
        hits.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
        ranked = hits;
        return showBest(PAGE, mine);
      }).catch(function () {
        if (mine === generation) status.textContent = "Part of the search index could not be loaded.";
      });
    }

    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) input.value = q;
    search();
  }

  start();
})();
