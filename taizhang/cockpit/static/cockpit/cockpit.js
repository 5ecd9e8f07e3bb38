// The cockpit's charts (ECharts): every element opens the project list behind it.
// Data comes from the json_script "cockpit-data" (no inline script: the CSP forbids it).
(function () {
  "use strict";

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }

  // Our own tooltip markup: ECharts' default uses style="" attributes, which the CSP refuses.
  function tooltip(params) {
    var list = Array.isArray(params) ? params : [params];
    var title = list.length ? (list[0].axisValueLabel || list[0].name) : "";
    var rows = list.map(function (p) {
      var extra = p.data && p.data.note ? " " + escape(p.data.note) : "";
      return '<div class="tt-row"><span class="tt-mark tt-series-' + p.seriesIndex + '"></span>' +
        escape(p.seriesName) + " <b>" + escape(p.value) + "</b>" + extra + "</div>";
    });
    return '<div class="tt-title">' + escape(title) + "</div>" + rows.join("");
  }

  function open(params) {
    if (params.data && params.data.url) window.location.href = params.data.url;
  }

  var charts = [];

  // `rows`: the chart opens its rows itself (rateBars), not through ECharts' element click.
  function make(id, option, rows) {
    var holder = document.getElementById(id);
    if (!holder) return null;
    var chart = echarts.init(holder, null, { renderer: "svg" });
    option.animation = false;
    option.tooltip = Object.assign({ className: "chart-tooltip", formatter: tooltip,
                                     confine: true }, option.tooltip || {});
    chart.setOption(option);
    if (!rows) chart.on("click", open);
    charts.push(chart);
    return chart;
  }

  function rateBars(id, rows, data, wall) {
    var holder = document.getElementById(id);
    if (!holder) return;
    // One row per group, best first (the ranking): the chart grows with the rows.
    holder.style.height = Math.max(220, rows.length * 24 + 40) + "px";
    var limit = Number(data.time_progress) - Number(data.threshold);
    var shown = rows.slice().reverse();
    var chart = make(id, {
      tooltip: { trigger: "item" },
      grid: { left: 8, right: 48, top: 22, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: "{value}%",
                                           color: wall ? "#e2e8f0" : "#1f2933" },
               splitLine: { lineStyle: { color: wall ? "#334155" : "#e5e7eb" } } },
      yAxis: { type: "category", data: shown.map(function (r) { return r.name || data.labels.none; }),
               axisLabel: { width: 120, overflow: "truncate",
                            color: wall ? "#e2e8f0" : "#1f2933" } },
      series: [{
        name: data.labels.rate, type: "bar", barMaxWidth: 18,
        label: { show: true, position: "right", color: wall ? "#e2e8f0" : "#1f2933",
                 textBorderWidth: 0, formatter: function (p) {
          return p.data.rate === null ? data.labels.no_plan : p.data.rate + "%"; } },
        markLine: { symbol: "none", silent: true,
                    label: { formatter: "{c}%", color: wall ? "#e2e8f0" : "#1f2933",
                             textBorderWidth: 0 },
                    data: [{ xAxis: Number(data.time_progress) }] },
        data: shown.map(function (r) {
          var value = r.rate === null ? 0 : Number(r.rate);
          return { value: value, rate: r.rate, url: r.url, name: r.name,
                   note: "(" + r.projects + ")",
                   itemStyle: { color: r.rate !== null && value < limit ? "#b42318" : "#1d4ed8" } };
        })
      }]
    }, true);
    // A press anywhere on a group's row opens its projects, not only on its bar: a group at
    // 0% has no bar to click, and a short one is a small target. Plain DOM pointer events on
    // the holder, not "click": ECharts redraws the hovered bar's SVG element, and when that
    // lands between the press and the release (a busy phone) the browser sends no click at
    // all. One navigation per press and release in the same place, whatever is under it.
    var pressed = null;
    holder.addEventListener("pointerdown", function (event) {
      pressed = event.isPrimary ? { id: event.pointerId, x: event.clientX, y: event.clientY } : null;
    });
    holder.addEventListener("pointerup", function (event) {
      var press = pressed;
      pressed = null;
      if (!press || press.id !== event.pointerId || event.button !== 0) return;
      if (Math.abs(event.clientX - press.x) > 8 || Math.abs(event.clientY - press.y) > 8) return;
      var box = holder.getBoundingClientRect();
      var point = [event.clientX - box.left, event.clientY - box.top];
      if (!chart.containPixel("grid", point)) return;
      var index = Math.round(chart.convertFromPixel({ seriesIndex: 0 }, point)[1]);
      var row = shown[index];
      if (row && row.url) window.location.href = row.url;
    });
    holder.addEventListener("pointercancel", function () { pressed = null; });
  }

  function draw() {
    var source = document.getElementById("cockpit-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var wall = document.body.classList.contains("wall");
    var text = wall ? "#e2e8f0" : "#1f2933";
    var grid = { lineStyle: { color: wall ? "#334155" : "#e5e7eb" } };
    make("chart-curve", {
      tooltip: { trigger: "axis" },
      textStyle: { color: text },
      legend: { data: [data.labels.ytd, data.labels.plan], bottom: 0,
                textStyle: { color: text } },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: data.curve.map(function (p) { return p.period; }),
               axisLabel: { color: text } },
      yAxis: { type: "value", splitLine: grid, axisLabel: { color: text } },
      series: [
        { name: data.labels.ytd, type: "line", symbolSize: 9, itemStyle: { color: "#1d4ed8" },
          data: data.curve.map(function (p) { return { value: Number(p.ytd), url: p.url }; }) },
        { name: data.labels.plan, type: "line", symbol: "none",
          lineStyle: { type: "dashed" }, itemStyle: { color: "#b54708" },
          data: data.curve.map(function (p) { return Number(p.plan); }) }
      ]
    });
    make("chart-batches", {
      tooltip: { trigger: "item" },
      textStyle: { color: text },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      // The short name on the axis (before the bracket), the full one in the list below.
      xAxis: { type: "category", data: data.batches.map(function (b) {
                 return b.name.split(/[（(]/)[0].trim(); }),
               axisLabel: { interval: 0, width: 80, overflow: "break", color: text } },
      yAxis: { type: "value", minInterval: 1, splitLine: grid, axisLabel: { color: text } },
      series: [{ name: data.labels.projects, type: "bar", barMaxWidth: 48,
                 itemStyle: { color: "#1d4ed8" },
                 label: { show: true, position: "top", color: text, textBorderWidth: 0 },
                 data: data.batches.map(function (b) {
                   return { value: b.projects, url: b.url, name: b.name }; }) }]
    });
    make("chart-stages", {
      tooltip: { trigger: "item" },
      textStyle: { color: text },
      series: [{ name: data.labels.projects, type: "pie", radius: ["35%", "65%"],
                 label: { formatter: "{b} {c}", color: text },
                 data: data.stages.map(function (s) {
                   return { value: s.projects, url: s.url, name: s.name }; }) }]
    });
    rateBars("chart-townships", data.townships, data, wall);
    rateBars("chart-units", data.units, data, wall);
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  function wallMode() {
    var body = document.body;
    if (!body.classList.contains("wall")) return;
    var seconds = Number(body.getAttribute("data-refresh-seconds") || "300");
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
    var button = document.querySelector("[data-fullscreen]");
    if (button && document.documentElement.requestFullscreen) {
      button.addEventListener("click", function () {
        document.documentElement.requestFullscreen().catch(function () {});
      });
    } else if (button) {
      button.hidden = true;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw();
    wallMode();
  });
})();
