// Program: learning velocity (GET /v1/stats/program) as figures and charts: experiments started
// and concluded per month, the win rate and the share with a learning of the ones concluded in
// each month, and the median days from hypothesis approval to decision; filtered by team (the
// experiments OWNED_BY it) and date range. The filters are kept in the address. The axis has
// every month of the range, those without activity at zero (month_axis.js).
// A team the address names that does not exist is asked for all the same: the server's 422
// (with the closest team keys) is shown with those keys as suggestions, never every team's
// figures under a menu that fell back to "Every team".
import { get } from '../api.js';
import { field, fill, h } from '../dom.js';
import { probability } from '../format.js';
import { errorBox, notice, unknownKeyBox, unknownKeyField } from '../messages.js';
import { continuousMonths } from '../month_axis.js';
import { monthChart } from '../month_chart.js';
import { nodeOptions, optionSelect } from '../node_options.js';

const colours = { started: '#2563eb', concluded: '#1a7f37', wins: '#b45309', learning: '#7c3aed', days: '#0f766e' };

function figure(value, what) {
  return h('li', {}, h('span', { class: 'value' }, value), h('span', { class: 'what' }, what));
}

function days(value) {
  if (value === null || value === undefined) return '—';
  return `${Math.round(value * 10) / 10} d`;
}

function summary(stats) {
  return h('ul', { class: 'figures', 'aria-label': 'Program figures' },
    figure(String(stats.started), 'experiments started'),
    figure(String(stats.concluded), 'experiments concluded'),
    figure(probability(stats.win_rate), `win rate (${stats.wins} of ${stats.concluded} shipped or won)`),
    figure(probability(stats.learning_share), `share with a learning (${stats.with_learning})`),
    figure(days(stats.median_days_approval_to_decision), `median days from approval to decision (${stats.decisions_timed} timed)`),
    figure(String(stats.pattern_reuses), 'learnings reused (INSPIRED_BY)'));
}

// `rows`: one per month of the axis, months without activity included (month_axis.js).
function charts(stats, rows) {
  const months = rows.map((m) => m.month);
  const pick = (name) => rows.map((m) => (m[name] === undefined ? null : m[name]));
  const parts = [
    monthChart(months, [
      { label: 'started', values: pick('started'), colour: colours.started },
      { label: 'concluded', values: pick('concluded'), colour: colours.concluded },
    ], { title: 'Experiments started and concluded per month', yTitle: 'experiments' }),
    monthChart(months, [
      { label: 'win rate', values: pick('win_rate'), colour: colours.wins },
      { label: 'share with a learning', values: pick('learning_share'), colour: colours.learning },
    ], { title: 'Win rate and share with a learning, by month concluded', kind: 'line', format: probability, max: 1 }),
  ];
  if (stats.decisions_timed > 0) {
    parts.push(monthChart(months, [
      { label: 'median days', values: pick('median_days_approval_to_decision'), colour: colours.days },
    ], { title: 'Median days from approval to decision, by month concluded', kind: 'line', format: days, yTitle: 'days' }));
  } else {
    parts.push(notice('Median days from approval to decision: no concluded experiment here has both a hypothesis approval date (approved_on) and a decision or end date, so there is nothing to chart.'));
  }
  return parts;
}

export async function programPage(root, params) {
  const team = optionSelect('team', [], 'Every team');
  const from = h('input', { type: 'date', name: 'from', value: params.get('from') || '' });
  const to = h('input', { type: 'date', name: 'to', value: params.get('to') || '' });
  const form = h('form', { class: 'filters', 'aria-label': 'Filter the program' },
    field('Team', team), field('From', from), field('To', to));
  const output = h('div', { 'aria-live': 'polite' });
  fill(root, h('section', { class: 'program' }, h('h1', {}, 'Program'),
    h('p', { class: 'lead' }, 'Learning velocity: how many tests start and conclude, how often they win, how often they leave a learning, and how long a hypothesis waits from approval to a decision.'),
    form, output));

  let current = null;
  async function load() {
    const query = new URLSearchParams();
    if (team.value) query.set('team', team.value);
    if (from.value) query.set('from', from.value);
    if (to.value) query.set('to', to.value);
    history.replaceState(null, '', `#/program${query.toString() ? `?${query}` : ''}`);
    fill(output, h('p', { class: 'loading' }, 'Counting…'));
    const asked = (current = query.toString());
    let stats;
    try {
      stats = await get(`/v1/stats/program${query.toString() ? `?${query}` : ''}`);
    } catch (error) {
      if (asked !== current) return;
      if (unknownKeyField(error, ['team']) && query.has('team')) {
        fill(output, unknownKeyBox(error, `There is no team “${query.get('team')}”`, (key) => {
          team.value = key;
          load();
        }, (key) => teamNames.get(key) || key));
      } else {
        fill(output, errorBox(error, 'Could not load the program figures'));
      }
      return;
    }
    if (asked !== current) return;  // a newer filter is on its way
    const unplaced = stats.unplaced && stats.unplaced.concluded
      ? h('p', { class: 'muted' }, `${stats.unplaced.concluded} concluded experiments have no decision or end date and are not counted (e.g. ${stats.unplaced.examples.join(', ')}).`)
      : null;
    const rows = continuousMonths(stats.months, { from: from.value, to: to.value });
    fill(output, summary(stats), unplaced,
      rows.length
        ? h('section', { class: 'panel', 'aria-label': 'Learning velocity' }, h('h2', {}, 'Learning velocity'),
          h('p', { class: 'muted' }, `${rows.length} months, from ${rows[0].month} to ${rows[rows.length - 1].month}, ${stats.months.length} of them with activity (a month without any counts zero; its rates have no value).`),
          charts(stats, rows))
        : notice('No experiment started or concluded in this range.'));
  }

  const teams = await nodeOptions('Team').catch((error) => {
    output.appendChild(errorBox(error, 'Could not load the teams'));
    return [];
  });
  const teamNames = new Map(teams);
  for (const [value, text] of teams) team.appendChild(h('option', { value }, text));
  // A select cannot hold a value it has no option for: keep the address's team as one, so that
  // it is what load() asks for (the menu lists at most 5000 teams: the server decides).
  const wanted = params.get('team') || '';
  if (wanted && !teamNames.has(wanted)) team.appendChild(h('option', { value: wanted }, wanted));
  team.value = wanted;
  for (const control of [team, from, to]) control.addEventListener('change', () => load());
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  await load();
}
