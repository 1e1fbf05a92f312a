// Bar charts with the vendored ECharts: one card per chart, drawn into `holder`.
// Each chart is {title, labels, series: [{name, data, stack?, color?}], unit?, horizontal?}; the unit (万元 unless
// given: 亿元, 家, %) names the value axis and follows each value in the tooltip; a chart without labels
// is left out. A horizontal chart (long labels: measures, groups) grows a row per label. On a narrow card (a
// phone) the legend goes under the chart and the labels take less room. The HTML reports inline this file, so it
// must need nothing but ECharts.
function huiqiBars(holder, charts) {
  for (const chart of charts) {
    if (!chart.labels.length) continue;
    const box = document.createElement("div");
    box.className = "chart card";
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", chart.title);
    holder.appendChild(box);
    const narrow = box.clientWidth < 640;
    const unit = chart.unit || "万元";
    const legendRows = narrow ? Math.ceil(chart.series.length / 2) : 1;
    const top = narrow ? 40 : 64;
    const bottom = narrow ? 16 + 24 * legendRows : 0;
    if (chart.horizontal) {  // a row per label, tall enough for its bars
      const row = Math.max(28, 10 * chart.series.filter(s => !s.stack).length + 12);
      box.style.height = (top + bottom + 40 + row * chart.labels.length) + "px";
    }
    const labelWidth = narrow ? 110 : 250;
    const value = { type: "value", name: unit };
    const category = { type: "category", data: chart.labels,
                       axisLabel: chart.horizontal ? { width: labelWidth, overflow: "break", lineHeight: 14 }
                                                   : { rotate: 40, interval: 0, width: 140, overflow: "truncate" } };
    const instance = echarts.init(box, null, { renderer: "svg" });
    instance.setOption({
      animation: false, title: { text: chart.title, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", confine: true,
                 valueFormatter: v => (v === undefined || v === null ? "—" : v + " " + unit) },
      legend: narrow ? { bottom: 4, left: "center", itemWidth: 14, itemGap: 8 } : { top: 28, left: "right" },
      grid: chart.horizontal ? { top: top, left: labelWidth + 20, right: narrow ? 24 : 40, bottom: bottom + 24 }
                             : { top: top, left: narrow ? 52 : 80, right: 24, bottom: bottom + (narrow ? 60 : 80) },
      xAxis: chart.horizontal ? value : category,
      yAxis: chart.horizontal ? { ...category, inverse: true } : value,
      series: chart.series.map(s => ({ name: s.name, type: "bar", stack: s.stack, data: s.data,
                                        itemStyle: s.color ? { color: s.color } : undefined })),
    });
    window.addEventListener("resize", () => instance.resize());
  }
}
