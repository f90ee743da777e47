/* Eerste Stap – small enhancements; every page works without this script. */
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var home = body.getAttribute("data-home") || "";
  var index = null;

  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }

  function loadIndex() {
    if (!index) {
      index = fetch(root + "zoek.json").then(function (r) { return r.json(); });
    }
    return index;
  }

  function matches(items, q) {
    var k = fold(q);
    if (!k) return [];
    var starts = [], inside = [];
    items.forEach(function (it) {
      if (it.k.indexOf(k) === 0) starts.push(it);
      else if (it.k.indexOf(" " + k) >= 0) inside.push(it);
    });
    return starts.concat(inside).slice(0, 12);
  }

  /* Town search: suggestions while typing; Enter on an exact name opens that town at once. */
  document.querySelectorAll("[data-search]").forEach(function (form) {
    var input = form.querySelector("[data-search-input]");
    var list = form.querySelector("[data-search-results]");
    var groups = document.querySelectorAll("[data-town-group]");
    function render(found) {
      list.textContent = "";
      found.forEach(function (it) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = home + it.u;
        a.textContent = it.n + (it.p ? " (" + it.p + ")" : "");
        li.appendChild(a);
        var n = document.createElement("span");
        n.className = "meta";
        n.textContent = " " + it.c;
        li.appendChild(n);
        list.appendChild(li);
      });
    }
    function filterPage(q) {
      var k = fold(q);
      groups.forEach(function (g) {
        var any = false;
        g.querySelectorAll("[data-town]").forEach(function (li) {
          var show = !k || fold(li.getAttribute("data-town")).indexOf(k) >= 0;
          li.hidden = !show;
          any = any || show;
        });
        g.hidden = !any;
      });
    }
    input.addEventListener("input", function () {
      loadIndex().then(function (items) { render(matches(items, input.value)); });
      if (groups.length) filterPage(input.value);
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      loadIndex().then(function (items) {
        var k = fold(input.value);
        var exact = items.filter(function (it) { return it.k === k; })[0];
        if (exact) { window.location.href = home + exact.u; return; }
        render(matches(items, input.value));
        if (groups.length) filterPage(input.value);
      });
    });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q && groups.length) {
      input.value = q;
      filterPage(q);
      loadIndex().then(function (items) { render(matches(items, q)); });
    }
  });

  /* Filters: the CSS already hides; the script counts, hides empty days and keeps the choice in the URL. */
  var filters = document.querySelector("[data-filters]");
  if (filters) {
    var count = document.querySelector("[data-count]");
    var params = new URLSearchParams(window.location.search);
    ["dag", "groep", "online", "taal"].forEach(function (name) {
      var v = params.get(name);
      if (v) {
        var el = filters.querySelector('input[name="' + name + '"][value="' + CSS.escape(v) + '"]');
        if (el) el.checked = true;
      }
    });
    function apply() {
      var chosen = {};
      ["dag", "groep", "online", "taal"].forEach(function (name) {
        var el = filters.querySelector('input[name="' + name + '"]:checked');
        chosen[name] = el ? el.value : "";
      });
      var shown = 0;
      document.querySelectorAll(".day").forEach(function (sec) {
        var any = false;
        sec.querySelectorAll(".m").forEach(function (li) {
          var ok = (!chosen.dag || li.getAttribute("data-day") === chosen.dag) &&
            (!chosen.groep || li.getAttribute("data-p") === chosen.groep) &&
            (!chosen.online || li.getAttribute("data-on") === "1") &&
            (!chosen.taal || li.getAttribute("data-l") === chosen.taal);
          li.hidden = !ok;
          if (ok) { shown += 1; any = true; }
        });
        sec.hidden = !any;
      });
      if (count) {
        var text = shown === 0 ? count.getAttribute("data-none") :
          shown === 1 ? count.getAttribute("data-one") : count.getAttribute("data-many").replace("{n}", shown);
        count.textContent = text;
      }
      var q = new URLSearchParams();
      Object.keys(chosen).forEach(function (k) { if (chosen[k]) q.set(k, chosen[k]); });
      var s = q.toString();
      history.replaceState(null, "", window.location.pathname + (s ? "?" + s : ""));
    }
    filters.addEventListener("change", apply);
    apply();
  }

  /* Map (only in builds with --map): pins of exact venues, tiles from the configured server. */
  var mapEl = document.getElementById("map");
  var data = document.getElementById("map-data");
  if (mapEl && data && window.L) {
    fetch(root + "static/map-config.json").then(function (r) { return r.json(); }).then(function (cfg) {
      var pts = JSON.parse(data.textContent);
      window.L.Icon.Default.imagePath = root + "static/leaflet/images/";
      var map = window.L.map(mapEl);
      window.L.tileLayer(cfg.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
      var bounds = [];
      pts.forEach(function (p) {
        var mk = window.L.marker([p.lat, p.lon], { title: p.n, alt: p.n }).addTo(map);
        var a = document.createElement("a");
        a.href = home + "meeting/" + p.id + "/";
        a.textContent = p.n;
        mk.bindPopup(a);
        bounds.push([p.lat, p.lon]);
      });
      if (bounds.length) map.fitBounds(bounds, { maxZoom: 14, padding: [20, 20] });
    });
  }
})();
