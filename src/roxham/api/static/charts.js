// Plotly helpers: a series with its band (lo–hi), observed points, and differences.
"use strict";
window.roxhamCharts = (function () {
  const layoutBase = {
    margin: { l: 60, r: 20, t: 30, b: 40 },
    hovermode: "x unified",
    legend: { orientation: "h", y: -0.15 },
    paper_bgcolor: "#fff", plot_bgcolor: "#fff",
  };
  const config = { displaylogo: false, responsive: true };
  function band(name, x, lo, hi, color, label) {
    return [
      { x: x, y: hi, type: "scatter", mode: "lines", line: { width: 0 }, hoverinfo: "skip",
        showlegend: false, name: name + " hi" },
      { x: x, y: lo, type: "scatter", mode: "lines", line: { width: 0 }, fill: "tonexty",
        fillcolor: color, name: label || name + " (5–95 %)", hoverinfo: "skip" },
    ];
  }
  function plot(div, traces, title, ytitle, signed) {
    const layout = Object.assign({}, layoutBase, {
      title: { text: title || "", font: { size: 14 } },
      yaxis: { title: { text: ytitle || "" }, rangemode: signed ? "normal" : "tozero",
        zeroline: true },
      // numeric dates: the same in English and French (Plotly's month names are English)
      xaxis: { hoverformat: "%Y-%m-%d", tickformatstops: [
        { dtickrange: [null, 2419200000], value: "%Y-%m-%d" },
        { dtickrange: [2419200000, 31449600000], value: "%Y-%m" },
        { dtickrange: [31449600000, null], value: "%Y" }] },
    });
    return window.Plotly.react(div, traces, layout, config);
  }
  return { band: band, plot: plot };
})();
