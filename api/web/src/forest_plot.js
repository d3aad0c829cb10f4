// A forest plot with Chart.js: one row per arm (or test, or pattern), its interval as a thin
// floating bar and its estimate as a point, on a lift axis with a heavier line at zero.
// A table with the same numbers goes beside it for screen readers and for copying.
import {
  BarController, BarElement, CategoryScale, Chart, LinearScale, PointElement, ScatterController,
  Tooltip,
} from 'chart.js';
import { h } from './dom.js';
import { interval, outcomeOf, percent, shorten } from './format.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, PointElement,
  ScatterController, Tooltip);

const colours = { won: '#1a7f37', lost: '#c62828', inconclusive: '#6b7280', unknown: '#6b7280' };

// The chart's row labels, each made unique: Chart.js draws two equal labels as two rows that
// read the same. A repeated label gets " (2)", " (3)", ... in the order of the rows.
function distinctLabels(labels) {
  const count = new Map();
  for (const label of labels) count.set(label, (count.get(label) || 0) + 1);
  const seen = new Map();
  return labels.map((label) => {
    if (count.get(label) === 1) return label;
    seen.set(label, (seen.get(label) || 0) + 1);
    return `${label} (${seen.get(label)})`;
  });
}

// rows: [{label, lift, ci_low, ci_high, labelCell?}]; returns the element holding the chart and
// its table (whose row headers are `labelCell`, e.g. a link, else the label).
// `labelHeader` names the rows' column in the table ('arm', 'pattern', 'test'); `columns` adds
// columns after the outcome: [{header, cell: (row) => text or element}]; `onRowClick(row)` is
// called when a row of the chart is clicked (the table's cells are the keyboard way).
export function forestPlot(rows, {
  title = 'Lift by arm', caption, labelHeader = 'arm', columns = [], onRowClick,
} = {}) {
  const names = new Map(distinctLabels(rows.map((row) => row.label)).map((name, i) => [rows[i], name]));
  const usable = rows.filter((row) => row.lift !== null && row.lift !== undefined);
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: forest plot; the table below has the numbers` });
  const wrapper = h('div', { class: 'forest-plot' }, h('div', { class: 'chart-box' }, canvas));
  wrapper.querySelector('.chart-box').style.height = `${60 + 34 * Math.max(1, usable.length)}px`;
  const labels = usable.map((row) => names.get(row));
  const lows = usable.map((row) => row.ci_low ?? row.lift);
  const highs = usable.map((row) => row.ci_high ?? row.lift);
  const extent = Math.max(0.05, ...lows.map(Math.abs), ...highs.map(Math.abs));
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: '95% interval',
          data: usable.map((row, i) => [lows[i], highs[i]]),
          backgroundColor: usable.map((row) => colours[outcomeOf(row)]),
          barThickness: 6,
        },
        {
          type: 'scatter',
          label: 'lift',
          // By row index: a label names its row on the category axis only when it is unique.
          data: usable.map((row, i) => ({ x: row.lift, y: i })),
          backgroundColor: '#111827',
          pointRadius: 5,
          pointStyle: 'rectRot',
        },
      ],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: {
          type: 'linear',
          min: -extent * 1.1,
          max: extent * 1.1,
          ticks: { callback: (value) => percent(value, 0) },
          // The line at zero: no lift.
          grid: {
            color: (context) => (context.tick && context.tick.value === 0 ? '#111827' : '#e5e7eb'),
            lineWidth: (context) => (context.tick && context.tick.value === 0 ? 2 : 1),
          },
          title: { display: true, text: 'lift (relative to the baseline)' },
        },
        y: {
          type: 'category',
          labels,
          grid: { display: false },
          // Long names are shortened on the axis (the table has them whole), so that on a
          // narrow screen the axis does not take the plot's width and cut the names' starts.
          ticks: {
            callback(value) {
              return shorten(this.getLabelForValue(value), Math.max(12, Math.floor(this.chart.width / 16)));
            },
          },
        },
      },
      onClick: onRowClick ? (event, elements) => {
        if (elements.length) onRowClick(usable[elements[0].index]);
      } : undefined,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (context) => {
              const row = usable[context.dataIndex];
              return `${percent(row.lift)} ${interval(row.ci_low, row.ci_high)}`;
            },
          },
        },
      },
    },
  });
  wrapper.chart = chart;
  wrapper.appendChild(h('div', { class: 'table-wide' },
    h('table', { class: 'numbers' },
      h('caption', {}, caption || title),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, labelHeader), h('th', { scope: 'col' }, 'lift'),
        h('th', { scope: 'col' }, '95% interval'), h('th', { scope: 'col' }, 'outcome'),
        columns.map((column) => h('th', { scope: 'col' }, column.header)))),
      h('tbody', {}, rows.map((row) =>
        h('tr', {}, h('th', { scope: 'row' }, row.labelCell || names.get(row)), h('td', {}, percent(row.lift)),
          h('td', {}, interval(row.ci_low, row.ci_high)),
          h('td', {}, h('span', { class: `badge ${outcomeOf(row)}` }, outcomeOf(row))),
          columns.map((column) => h('td', {}, column.cell(row)))))))));
  return wrapper;
}
