// The page of report.html (report.cc fills it in): plain HTML, CSS and one
// inline script, nothing loaded from anywhere, so the file opens offline.
// The script reads the report's JSON from the #report-data element and draws
// three SVG plots over the run's time axis (throughput, p99 latency, errors
// per second; one line per workload, a circle per point, every fault a dashed
// vertical line with its text), then the tables of workloads, faults, steps
// and parameters.
//
// What a test or a tool can rely on in the drawn page (the DOM after the
// script ran):
//   <body data-rendered="yes">            the script finished ("failed: ..." when it threw)
//   <svg class="plot" id="plot-throughput|plot-p99|plot-errors">
//   <circle class="point" data-plot="throughput|p99|errors" data-workload="NAME" data-t="T" cx=.. cy=..>
//   <line class="fault-marker" data-plot=".." data-t="T" x1=.. x2=..>
//   <table id="steps"> rows <tr class="step" data-outcome="passed|failed|..">
// Every plot uses the same x scale, x(t) = kLeft + t * (kWidth - kLeft - kRight) / tMax
// (t in seconds since the run started; tMax = the run's length, or the last
// point or fault when later), so a marker at t is at the x of a point at t.
// The p99 plot has no point for a second in which nothing completed.
#pragma once

#include <string_view>

namespace kv::playbook {

inline constexpr std::string_view kTitlePlaceholder = "{{TITLE}}";
inline constexpr std::string_view kReportJsonPlaceholder = "{{REPORT_JSON}}";

inline constexpr std::string_view kReportPage = R"page(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}}</title>
<style>
  body { font-family: sans-serif; margin: 16px 24px; color: #222; background: #fff; }
  h1 { font-size: 22px; padding: 8px 12px; color: #fff; background: #555; }
  h1.passed { background: #2e7d32; }
  h1.failed { background: #c62828; }
  h1.interrupted, h1.running { background: #e65100; }
  h2 { font-size: 17px; margin: 20px 0 4px; }
  table { border-collapse: collapse; margin: 6px 0 12px; }
  th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; font-size: 14px; }
  th { background: #f2f2f2; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.outcome-passed { background: #c8e6c9; }
  td.outcome-failed { background: #ffcdd2; font-weight: bold; }
  td.outcome-interrupted, td.outcome-running { background: #ffe0b2; }
  td.message { white-space: pre-wrap; font-family: monospace; }
  .legend { font-size: 13px; margin: 2px 0; }
  .legend span { margin-right: 16px; white-space: nowrap; }
  .swatch { display: inline-block; width: 14px; height: 4px; margin-right: 4px; vertical-align: middle; }
  .swatch.fault { height: 0; border-top: 2px dashed #c62828; background: none; }
  svg.plot { display: block; margin: 2px 0 8px; }
  svg text { font-size: 12px; fill: #333; font-family: sans-serif; }
  svg .axis { stroke: #333; stroke-width: 1; }
  svg .grid { stroke: #e6e6e6; stroke-width: 1; }
  svg .series-line { fill: none; stroke-width: 1.5; }
  svg .fault-marker { stroke: #c62828; stroke-width: 1.5; stroke-dasharray: 6 3; }
  svg text.fault-label { fill: #c62828; }
  .error { color: #c62828; font-weight: bold; }
</style>
</head>
<body>
<h1 id="title">{{TITLE}}</h1>
<noscript><p class="error">This page draws its plots and tables with an inline script: allow JavaScript, or read report.json beside it.</p></noscript>
<p id="script-error" class="error" hidden></p>
<table id="summary"></table>
<h2>Throughput (operations per second)</h2>
<div class="legend" id="legend-throughput"></div>
<svg class="plot" id="plot-throughput" width="960" height="260"></svg>
<h2>p99 latency (ms)</h2>
<div class="legend" id="legend-p99"></div>
<svg class="plot" id="plot-p99" width="960" height="260"></svg>
<h2>Errors per second</h2>
<div class="legend" id="legend-errors"></div>
<svg class="plot" id="plot-errors" width="960" height="260"></svg>
<h2>Workloads</h2>
<table id="workloads"></table>
<h2>Faults</h2>
<table id="faults"></table>
<h2>Steps</h2>
<table id="steps"></table>
<h2>Parameters</h2>
<table id="parameters"></table>
<script type="application/json" id="report-data">{{REPORT_JSON}}</script>
<script>
"use strict";
(function () {
  const kWidth = 960, kHeight = 260;
  const kLeft = 70, kRight = 24, kTop = 56, kBottom = 40;
  const kColors = ["#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#ad1457", "#558b2f", "#37474f"];

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // SVG elements take the namespace of the page's own <svg>s (no URL written here).
  function svgEl(parent, tag, attrs, text) {
    const e = document.createElementNS(parent.namespaceURI, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e);
    return e;
  }
  function row(table, cells, header) {
    const tr = el("tr");
    for (const c of cells) {
      const td = el(header ? "th" : "td", c.cls ? { class: c.cls } : {}, c.text !== undefined ? c.text : c);
      tr.appendChild(td);
    }
    table.appendChild(tr);
    return tr;
  }
  function secs(s) { return s.toFixed(2); }
  function num(v) { return { text: String(v), cls: "num" }; }
  // 1, 2 or 5 times a power of ten, so that [0, max] has at most `count` steps.
  function niceStep(max, count) {
    const raw = max / count, p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  function render(report) {
    // The run's time axis, shared by every plot, point and marker.
    let tMax = report.seconds;
    for (const w of report.workloads) for (const p of w.points) tMax = Math.max(tMax, p.t);
    for (const f of report.faults) tMax = Math.max(tMax, f.t);
    if (!(tMax > 0)) tMax = 1;
    const plotWidth = kWidth - kLeft - kRight, plotHeight = kHeight - kTop - kBottom;
    const x = (t) => kLeft + t * plotWidth / tMax;

    // Per workload, the value of each point on each plot. A point covers
    // (previous t, t], one second except a last part second.
    const series = report.workloads.map((w, i) => {
      const color = kColors[i % kColors.length];
      const rows = w.points.map((p, k) => {
        const span = k > 0 && p.t - w.points[k - 1].t > 0 ? Math.min(1, p.t - w.points[k - 1].t) : 1;
        return { t: p.t, throughput: p.ops / span, errors: p.errors / span, p99: p.ops > 0 ? p.p99_us / 1000 : null };
      });
      return { name: w.name, color: color, rows: rows };
    });

    const plots = [
      { key: "throughput", unit: "ops/s", digits: 0 },
      { key: "p99", unit: "ms", digits: 2 },
      { key: "errors", unit: "errors/s", digits: 1 },
    ];
    for (const plot of plots) {
      const svg = document.getElementById("plot-" + plot.key);
      const legend = document.getElementById("legend-" + plot.key);
      for (const s of series) {
        const item = el("span");
        item.appendChild(el("span", { class: "swatch", style: "background:" + s.color }));
        item.appendChild(document.createTextNode(s.name));
        legend.appendChild(item);
      }
      if (report.faults.length > 0) {
        const item = el("span");
        item.appendChild(el("span", { class: "swatch fault" }));
        item.appendChild(document.createTextNode("fault"));
        legend.appendChild(item);
      }

      let vMax = 0;
      for (const s of series) for (const r of s.rows) if (r[plot.key] !== null) vMax = Math.max(vMax, r[plot.key]);
      const vStep = niceStep(vMax > 0 ? vMax : 1, 5);
      const yTop = Math.max(vStep, Math.ceil(vMax / vStep) * vStep);
      const y = (v) => kTop + plotHeight - v * plotHeight / yTop;

      for (let v = 0; v <= yTop + vStep / 2; v += vStep) {
        svgEl(svg, "line", { class: "grid", x1: kLeft, x2: kLeft + plotWidth, y1: y(v), y2: y(v) });
        svgEl(svg, "text", { x: kLeft - 6, y: y(v) + 4, "text-anchor": "end" },
              v.toFixed(vStep < 1 ? Math.min(3, Math.ceil(-Math.log10(vStep))) : 0));
      }
      const tStep = niceStep(tMax, 12);
      for (let t = 0; t <= tMax + 1e-9; t += tStep) {
        svgEl(svg, "line", { class: "axis", x1: x(t), x2: x(t), y1: kTop + plotHeight, y2: kTop + plotHeight + 5 });
        svgEl(svg, "text", { x: x(t), y: kTop + plotHeight + 18, "text-anchor": "middle" },
              Number(t.toFixed(3)) + " s");
      }
      svgEl(svg, "text", { x: kLeft + plotWidth / 2, y: kHeight - 4, "text-anchor": "middle" },
            "seconds since the run started");
      svgEl(svg, "line", { class: "axis", x1: kLeft, x2: kLeft, y1: kTop, y2: kTop + plotHeight });
      svgEl(svg, "line", { class: "axis", x1: kLeft, x2: kLeft + plotWidth, y1: kTop + plotHeight, y2: kTop + plotHeight });
      if (series.length === 0) {
        svgEl(svg, "text", { x: kLeft + plotWidth / 2, y: kTop + plotHeight / 2, "text-anchor": "middle" },
              "no workload ran");
      }

      for (const s of series) {
        // A line through consecutive points; a missing value (p99 of a second
        // with nothing completed) breaks it.
        let run = [];
        const flush = () => {
          if (run.length > 1) {
            svgEl(svg, "polyline", { class: "series-line", stroke: s.color, "data-workload": s.name,
                                     points: run.join(" ") });
          }
          run = [];
        };
        for (const r of s.rows) {
          if (r[plot.key] === null) { flush(); continue; }
          run.push(x(r.t) + "," + y(r[plot.key]));
        }
        flush();
        for (const r of s.rows) {
          if (r[plot.key] === null) continue;
          const c = svgEl(svg, "circle", { class: "point", "data-plot": plot.key, "data-workload": s.name,
                                           "data-t": r.t, cx: x(r.t), cy: y(r[plot.key]), r: 3, fill: s.color });
          svgEl(c, "title", {}, s.name + " at " + r.t + " s: " + r[plot.key].toFixed(plot.digits) + " " + plot.unit);
        }
      }

      report.faults.forEach((f, i) => {
        const fx = x(f.t);
        const marker = svgEl(svg, "line", { class: "fault-marker", "data-plot": plot.key, "data-t": f.t,
                                            x1: fx, x2: fx, y1: kTop - 14 * (i % 3) - 2, y2: kTop + plotHeight });
        svgEl(marker, "title", {}, f.t + " s: " + f.text);
        // Labels in three rows above the plot, so that close faults stay readable.
        const nearRight = fx > kWidth - 180;
        svgEl(svg, "text", { class: "fault-label", x: nearRight ? fx - 4 : fx + 4, y: kTop - 14 * (i % 3) - 4,
                             "text-anchor": nearRight ? "end" : "start" }, f.text);
      });
    }

    const summary = document.getElementById("summary");
    const passed = report.steps.filter((s) => s.outcome === "passed").length;
    row(summary, ["outcome", { text: report.outcome, cls: "outcome-" + report.outcome }]);
    row(summary, ["playbook", report.playbook]);
    row(summary, ["started (UTC)", report.started]);
    row(summary, ["length", secs(report.seconds) + " s"]);
    row(summary, ["steps", passed + " of " + report.steps.length + " passed"]);
    row(summary, ["faults", String(report.faults.length)]);

    const workloads = document.getElementById("workloads");
    row(workloads, ["workload", "points", "operations", "errors", "peak ops/s", "max p99 (ms)"], true);
    for (const s of series) {
      const w = report.workloads.find((v) => v.name === s.name);
      const sum = (key) => w.points.reduce((a, p) => a + p[key], 0);
      const peak = s.rows.reduce((a, r) => Math.max(a, r.throughput), 0);
      const p99 = s.rows.reduce((a, r) => (r.p99 === null ? a : Math.max(a, r.p99)), 0);
      row(workloads, [s.name, num(w.points.length), num(sum("ops")), num(sum("errors")), num(peak.toFixed(0)),
                      num(p99.toFixed(2))]);
    }

    const faults = document.getElementById("faults");
    row(faults, ["at (s)", "fault"], true);
    for (const f of report.faults) row(faults, [num(secs(f.t)), f.text]);

    const steps = document.getElementById("steps");
    row(steps, ["#", "line", "step", "outcome", "start (s)", "duration (s)", "message"], true);
    for (const s of report.steps) {
      const tr = row(steps, [num(s.index), num(s.line), s.text, { text: s.outcome, cls: "outcome-" + s.outcome },
                             num(secs(s.start_s)), num(secs(s.seconds)), { text: s.message, cls: "message" }]);
      tr.setAttribute("class", "step");
      tr.setAttribute("data-outcome", s.outcome);
    }

    const parameters = document.getElementById("parameters");
    row(parameters, ["parameter", "value"], true);
    for (const p of report.parameters) row(parameters, [p.name, p.value]);
  }

  const title = document.getElementById("title");
  try {
    const report = JSON.parse(document.getElementById("report-data").textContent);
    title.className = report.outcome;
    render(report);
    document.body.setAttribute("data-rendered", "yes");
  } catch (e) {
    const box = document.getElementById("script-error");
    box.hidden = false;
    box.textContent = "This page could not draw the report (" + e + "); report.json beside it holds the data.";
    document.body.setAttribute("data-rendered", "failed: " + e);
  }
})();
</script>
</body>
</html>
)page";

}  // namespace kv::playbook
