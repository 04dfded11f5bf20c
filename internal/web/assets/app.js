// scrutin — the web UI's script. The pages work without it; it only
// enhances them: charts drawn by ECharts from the JSON data islands the
// pages carry (<script type="application/json">, never an inline script),
// menus that close with Escape or a click elsewhere, and an editor whose
// line numbers follow the text. htmx, loaded beside it, polls the run's
// progress.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // Menus (<details class="menu">, and the narrow screens' menu that holds
  // some): Escape or a click outside closes them. Innermost first, so that
  // Escape leaves the focus on the outermost menu it closed.
  function closeMenus(target, refocus) {
    var open = document.querySelectorAll("details.menu[open], details.sitemenu[open]");
    for (var i = open.length - 1; i >= 0; i--) {
      var d = open[i];
      if (target && d.contains(target)) continue;
      d.removeAttribute("open");
      if (refocus) d.querySelector("summary").focus();
    }
  }
  document.addEventListener("click", function (e) {
    closeMenus(e.target, false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") closeMenus(null, true);
  });

  // The editor: line numbers that follow the text, and problems that
  // take the caret to their line.
  function initEditor(ta) {
    var gutter = ta.parentElement.querySelector(".gutter");
    if (!gutter) return;
    var count = function () { return ta.value.split("\n").length - (ta.value.endsWith("\n") ? 1 : 0) || 1; };
    var sync = function () {
      var n = count();
      var have = gutter.children.length;
      for (var i = have; i < n; i++) {
        var s = document.createElement("span");
        s.className = "ln";
        s.id = "L" + (i + 1);
        s.textContent = String(i + 1);
        gutter.appendChild(s);
      }
      for (var j = have; j > n; j--) gutter.removeChild(gutter.lastElementChild);
      ta.rows = Math.max(n + 1, 12);
    };
    ta.addEventListener("input", sync);
    document.querySelectorAll("a[data-line]").forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        var line = parseInt(a.getAttribute("data-line"), 10);
        var lines = ta.value.split("\n");
        var pos = 0;
        for (var k = 0; k < line - 1 && k < lines.length; k++) pos += lines[k].length + 1;
        ta.focus({ preventScroll: true });
        ta.setSelectionRange(pos, pos + (lines[line - 1] || "").length);
        var ln = document.getElementById("L" + line);
        if (ln) {
          ln.scrollIntoView({ block: "center" });
          gutter.querySelectorAll(".current").forEach(function (c) { c.classList.remove("current"); });
          ln.classList.add("current");
        }
      });
    });
  }
  var yaml = document.getElementById("yaml");
  if (yaml && yaml.tagName === "TEXTAREA") initEditor(yaml);

  // Attack-defence tree drawings (.tree-scroll holding adtree's SVG): the
  // drawing opens fitted to its box, and zooms and pans with the mouse
  // (wheel, drag), the keyboard (+, -, arrows, 0) and the zoom buttons.
  // Fitting keeps the smallest node text at 12 px or more: the whole tree
  // when it fits so; else the width, when that is still readable (the
  // rest is below); else reading size, on the goal. The box says which
  // (data-fit, and the status line). Without this script the drawing
  // scrolls at its natural size.
  var READABLE = 12;
  function initTree(box) {
    var svg = box.querySelector("svg");
    var vb = svg && svg.viewBox && svg.viewBox.baseVal;
    if (!vb || !vb.width || !vb.height) return;
    var W = vb.width, H = vb.height;
    // Node texts are in the groups of the last group (the legend's and
    // the edges' badges are not).
    var groups = svg.querySelectorAll(":scope > g");
    var nodes = groups.length ? groups[groups.length - 1] : svg;
    var minFont = Infinity;
    nodes.querySelectorAll(":scope > g > text").forEach(function (t) {
      var f = parseFloat(t.getAttribute("font-size"));
      if (f > 0) minFont = Math.min(minFont, f);
    });
    if (!isFinite(minFont)) minFont = READABLE;
    var read = READABLE / minFont; // the scale at which node text is 12 px
    var root = nodes.querySelector(":scope > g > rect");
    var status = document.getElementById(box.getAttribute("data-status"));
    var scale = 1, lo = 0.1, hi = 4;

    function setScale(s, cx, cy) {
      s = Math.min(hi, Math.max(lo, s));
      if (cx === undefined) { cx = box.clientWidth / 2; cy = box.clientHeight / 2; }
      var px = (box.scrollLeft + cx) / scale, py = (box.scrollTop + cy) / scale;
      scale = s;
      svg.setAttribute("width", String(Math.round(W * s)));
      svg.setAttribute("height", String(Math.round(H * s)));
      box.scrollLeft = px * s - cx;
      box.scrollTop = py * s - cy;
      box.setAttribute("data-scale", s.toFixed(3));
    }

    function fit() {
      box.style.height = "";
      var bw = box.clientWidth;
      var most = Math.max(240, Math.round(window.innerHeight * 0.75));
      var whole = Math.min(bw / W, most / H), width = bw / W, s, mode;
      if (whole * minFont >= READABLE - 1e-6) {
        s = Math.min(whole, Math.max(read, 1.5)); mode = "whole";
      } else if (width * minFont >= READABLE - 1e-6) {
        s = width; mode = "width";
      } else {
        s = read; mode = "read";
      }
      lo = Math.min(whole, s); hi = Math.max(s, read) * 3;
      scale = s;
      setScale(s, 0, 0);
      // The box is as tall as the drawing, up to three quarters of the
      // window; a scroll bar, if any, adds to it.
      var chrome = box.offsetHeight - box.clientHeight;
      box.style.height = Math.ceil(Math.min(H * s, most) + chrome) + "px";
      box.scrollTop = 0;
      box.scrollLeft = 0;
      if (root && W * s > box.clientWidth) { // on the goal, at the top
        var cx = (root.x.baseVal.value + root.width.baseVal.value / 2) * s;
        box.scrollLeft = Math.max(0, cx - box.clientWidth / 2);
      }
      box.setAttribute("data-fit", mode);
      if (status) status.textContent = box.getAttribute("data-fit-" + mode) || "";
    }

    box.addEventListener("wheel", function (e) {
      e.preventDefault();
      var r = box.getBoundingClientRect();
      var dy = e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1);
      setScale(scale * Math.pow(1.0015, -dy), e.clientX - r.left - box.clientLeft, e.clientY - r.top - box.clientTop);
    }, { passive: false });

    var drag = null;
    box.addEventListener("pointerdown", function (e) {
      if (e.pointerType !== "mouse" || e.button !== 0) return; // touch scrolls natively
      drag = { x: e.clientX, y: e.clientY, left: box.scrollLeft, top: box.scrollTop };
      box.setPointerCapture(e.pointerId);
      box.classList.add("dragging");
    });
    box.addEventListener("pointermove", function (e) {
      if (!drag) return;
      box.scrollLeft = drag.left - (e.clientX - drag.x);
      box.scrollTop = drag.top - (e.clientY - drag.y);
    });
    var endDrag = function () { drag = null; box.classList.remove("dragging"); };
    box.addEventListener("pointerup", endDrag);
    box.addEventListener("pointercancel", endDrag);

    var zoom = function (how) {
      if (how === "in") setScale(scale * 1.25);
      else if (how === "out") setScale(scale / 1.25);
      else fit();
    };
    box.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return; // the browser's own zoom
      var step = e.shiftKey ? 200 : 40;
      switch (e.key) {
        case "+": case "=": zoom("in"); break;
        case "-": case "_": case "\u2212": zoom("out"); break;
        case "0": zoom("fit"); break;
        case "ArrowLeft": box.scrollLeft -= step; break;
        case "ArrowRight": box.scrollLeft += step; break;
        case "ArrowUp": box.scrollTop -= step; break;
        case "ArrowDown": box.scrollTop += step; break;
        default: return;
      }
      e.preventDefault();
    });
    document.querySelectorAll('[aria-controls="' + box.id + '"] [data-zoom]').forEach(function (b) {
      b.addEventListener("click", function () { zoom(b.getAttribute("data-zoom")); });
    });
    var lastWidth = box.clientWidth, pendingFit = 0;
    window.addEventListener("resize", function () {
      cancelAnimationFrame(pendingFit);
      pendingFit = requestAnimationFrame(function () {
        if (box.clientWidth !== lastWidth) { lastWidth = box.clientWidth; fit(); }
      });
    });
    fit();
    lastWidth = box.clientWidth;
  }
  document.querySelectorAll(".tree-scroll").forEach(initTree);

  // Charts.
  if (!window.echarts) return;
  var palette = { main: "#1d4ed8", second: "#b45309", limit: "#c62828" };

  function formats(lang, currency) {
    var compact = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
    var money = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
    var pct = new Intl.NumberFormat(lang, { style: "percent", maximumSignificantDigits: 2 });
    var date = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
    return {
      compact: function (v) { return compact.format(v); },
      money: function (v) { return money.format(v) + "\u00a0" + (currency || ""); },
      pct: function (v) { return pct.format(v); },
      date: function (v) { return date.format(new Date(v)) + " UTC"; }
    };
  }

  function lineSeries(s) {
    var limit = s.role === "limit";
    return {
      type: "line", name: s.name, data: s.points, showSymbol: limit, symbol: "circle", symbolSize: 7,
      lineStyle: { width: limit ? 2 : 2.5, type: limit ? "dashed" : "solid", color: palette[s.role] || palette.main },
      itemStyle: { color: palette[s.role] || palette.main },
      emphasis: { disabled: true }
    };
  }

  function axisName(name, gap) {
    return { name: name, nameLocation: "middle", nameGap: gap, nameTextStyle: { color: "#556072", fontSize: 12 } };
  }

  function lecOption(d, f) {
    var minP = 1;
    d.series.forEach(function (s) { s.points.forEach(function (p) { if (p[1] > 0) minP = Math.min(minP, p[1]); }); });
    var floor = Math.pow(10, Math.floor(Math.log10(minP)));
    return {
      tooltip: {
        trigger: "item",
        formatter: function (p) { return p.seriesName + "<br>" + f.money(p.value[0]) + " → " + f.pct(p.value[1]); }
      },
      xAxis: Object.assign({ type: "log", logBase: 10, axisLabel: { formatter: f.compact }, splitLine: { lineStyle: { color: "#e8ecf2" } } }, axisName(d.x_label, 30)),
      yAxis: Object.assign({ type: "log", logBase: 10, min: floor, max: 1, axisLabel: { formatter: f.pct }, splitLine: { lineStyle: { color: "#e8ecf2" } } }, axisName(d.y_label, 52)),
      series: d.series.map(lineSeries)
    };
  }

  function trendOption(d, f) {
    return {
      tooltip: {
        trigger: "axis",
        formatter: function (ps) {
          return f.date(ps[0].value[0]) + ps.map(function (p) { return "<br>" + p.seriesName + ": " + f.money(p.value[1]); }).join("");
        }
      },
      xAxis: { type: "time", axisLabel: { hideOverlap: true } },
      yAxis: Object.assign({ type: "value", min: 0, axisLabel: { formatter: f.compact }, splitLine: { lineStyle: { color: "#e8ecf2" } } }, axisName(d.y_label, 52)),
      series: d.series.map(function (s) { var o = lineSeries(s); o.showSymbol = true; return o; })
    };
  }

  var grid = { lineStyle: { color: "#e8ecf2" } };

  // The efficient frontier of a plan: annualised cost against the
  // objective's annual loss, the chosen portfolio as a larger diamond.
  function frontierOption(d, f) {
    return {
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          // The unit is the model's text: escaped, as the tooltip is HTML.
          var y = d.y_unit ? f.compact(p.value[1]) + "\u00a0" + d.y_unit.replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }) : f.money(p.value[1]);
          return p.seriesName + "<br>" + f.money(p.value[0]) + " → " + y;
        }
      },
      xAxis: Object.assign({ type: "value", min: 0, axisLabel: { formatter: f.compact }, splitLine: grid }, axisName(d.x_label, 30)),
      yAxis: Object.assign({ type: "value", axisLabel: { formatter: f.compact }, splitLine: grid }, axisName(d.y_label, 52)),
      series: d.series.map(function (s) {
        if (s.role === "chosen") {
          return { type: "scatter", name: s.name, data: s.points, symbol: "diamond", symbolSize: 18, z: 10,
            itemStyle: { color: "#f5a700", borderColor: "#17202f", borderWidth: 1.5 }, emphasis: { disabled: true } };
        }
        var o = lineSeries(s);
        o.showSymbol = true;
        return o;
      })
    };
  }

  // Counts: bars, a group per category (a day, a campaign).
  function countsOption(d, f) {
    var count = new Intl.NumberFormat(d.lang, { maximumFractionDigits: 0 });
    return {
      tooltip: {
        trigger: "axis",
        formatter: function (ps) {
          return d.categories[ps[0].dataIndex] + ps.map(function (p) { return "<br>" + p.seriesName + ": " + count.format(p.value); }).join("");
        }
      },
      xAxis: { type: "category", data: d.categories, axisLabel: { hideOverlap: true } },
      yAxis: Object.assign({ type: "value", min: 0, minInterval: 1, axisLabel: { formatter: f.compact }, splitLine: grid }, axisName(d.y_label, 52)),
      series: d.series.map(function (s) {
        return { type: "bar", name: s.name, data: s.points.map(function (p) { return p[1]; }), barMaxWidth: 40,
          itemStyle: { color: palette[s.role] || palette.main }, emphasis: { disabled: true } };
      })
    };
  }

  // Beliefs as intervals: each series is [p5, row], [mean, row], [p95, row]
  // on a row of categories; the mean is the larger dot.
  function intervalOption(d, f) {
    var fmt = d.percent ? f.pct : f.compact;
    return {
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var pts = d.series[p.seriesIndex].points;
          return p.seriesName + "<br>" + fmt(pts[1][0]) + " (" + fmt(pts[0][0]) + " – " + fmt(pts[2][0]) + ")";
        }
      },
      xAxis: Object.assign({ type: d.log ? "log" : "value", logBase: 10, min: d.log ? undefined : 0, axisLabel: { formatter: fmt }, splitLine: grid }, axisName(d.x_label, 30)),
      yAxis: { type: "category", data: d.categories, inverse: true, axisTick: { show: false } },
      series: d.series.map(function (s) {
        var color = palette[s.role] || palette.main;
        return { type: "line", name: s.name, data: s.points, showSymbol: true, symbol: "circle",
          symbolSize: function (v, p) { return p.dataIndex === 1 ? 13 : 7; },
          lineStyle: { width: 5, color: color }, itemStyle: { color: color }, emphasis: { disabled: true } };
      }),
      legend: { show: false }, // the rows are named
      grid: { left: 180, right: 24, top: 16, bottom: 48 }
    };
  }

  var builders = { lec: lecOption, trend: trendOption, frontier: frontierOption, counts: countsOption, interval: intervalOption };

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var island = document.getElementById(el.getAttribute("data-chart"));
    if (!island) return;
    var d;
    try { d = JSON.parse(island.textContent); } catch (e) { return; }
    var f = formats(d.lang, d.currency);
    var option = (builders[d.kind] || lecOption)(d, f);
    option.animation = false;
    option.aria = { enabled: false }; // the container's label and the table say it
    option.textStyle = { fontFamily: getComputedStyle(document.body).fontFamily };
    option.legend = option.legend || { top: 0, left: "center", itemWidth: 24 };
    option.grid = option.grid || { left: 72, right: 24, top: 40, bottom: 48 };
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
    // The chart is drawn: its table is folded away (still one click off).
    var fig = el.closest("figure");
    var details = fig && fig.querySelector("details.chart-data");
    if (details) details.removeAttribute("open");
  });
  var pending = 0;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
