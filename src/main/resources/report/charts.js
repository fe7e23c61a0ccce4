// Charts of the infersweep report; DATA is set by the page (see ReportPage).
// No animation: the page is a static report, read, printed and screenshotted as it is drawn.
function errorBars(name, points) {
  return {type: 'custom', name: name, z: 10, data: points, encode: {x: 0, y: [1, 2]},
    renderItem: function (params, api) {
      const lo = api.coord([api.value(0), api.value(1)]);
      const hi = api.coord([api.value(0), api.value(2)]);
      const style = {stroke: api.visual('color'), lineWidth: 1.5};
      return {type: 'group', children: [
        {type: 'line', shape: {x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1]}, style: style},
        {type: 'line', shape: {x1: lo[0] - 4, y1: lo[1], x2: lo[0] + 4, y2: lo[1]}, style: style},
        {type: 'line', shape: {x1: hi[0] - 4, y1: hi[1], x2: hi[0] + 4, y2: hi[1]}, style: style}]};
    }};
}
const factors = document.getElementById('factors');
for (const [factor, rows] of Object.entries(DATA.byFactor)) {
  const div = document.createElement('div');
  div.className = 'chart';
  factors.appendChild(div);
  const epochs = [...new Set(rows.map(r => r[1]))].sort((a, b) => a - b).map(String);
  const series = [];
  for (const level of [...new Set(rows.map(r => r[0]))]) {
    const mine = rows.filter(r => r[0] === level);
    const name = factor + ' = ' + level;
    series.push({type: 'line', name: name, data: mine.map(r => [String(r[1]), r[2]])});
    series.push(errorBars(name, mine.map(r => [String(r[1]), r[3], r[4]])));
  }
  echarts.init(div).setOption({animation: false, title: {text: 'by ' + factor}, tooltip: {trigger: 'axis'}, legend: {top: 25},
    grid: {top: 70}, xAxis: {type: 'category', name: 'epochs', data: epochs},
    yAxis: {type: 'value', name: 'latency ratio', scale: true}, series: series});
}
const dist = DATA.distributions;
echarts.init(document.getElementById('distributions')).setOption({animation: false, tooltip: {trigger: 'item'},
  xAxis: {type: 'category', data: dist.map(d => d[0]), axisLabel: {rotate: 30}},
  yAxis: {type: 'value', name: 'p50 latency (ns)', scale: true},
  grid: {bottom: 90}, series: [{type: 'boxplot', data: dist.map(d => d[1])}]});
const protocols = [...new Set(DATA.protocols.map(r => r[0]))];
const pEpochs = [...new Set(DATA.protocols.map(r => r[1]))].sort((a, b) => a - b).map(String);
const pSeries = [];
for (const p of protocols) {
  const mine = DATA.protocols.filter(r => r[0] === p);
  pSeries.push({type: 'line', name: p, data: mine.map(r => [String(r[1]), r[2]])});
  pSeries.push(errorBars(p, mine.map(r => [String(r[1]), r[3], r[4]])));
}
echarts.init(document.getElementById('protocols')).setOption({animation: false, tooltip: {trigger: 'axis'}, legend: {},
  xAxis: {type: 'category', name: 'epochs', data: pEpochs},
  yAxis: {type: 'value', name: 'latency ratio', scale: true}, series: pSeries});
document.body.dataset.chartsReady = 'yes';
