// Patterns: the features mined from concluded tests (GET /v1/patterns), each with its pooled
// lift, 95% interval, I² and number of tests, drawn as a forest plot with the numbers as a table;
// filtered by channel, segment and metric. A pattern opens the tests behind it (the most precise
// ones the answer lists) as a forest plot of their own, each linking to its experiment page.
// The filters and the open pattern are kept in the address (#/patterns?channel=...&open=...).
// A channel, segment or metric the address names that does not exist is asked for all the same:
// the server's 422 (with the closest keys) is shown with those keys as suggestions, never the
// patterns of every context under a menu that fell back to "Any channel".
import { cypher, get } from '../api.js';
import { field, fill, h } from '../dom.js';
import { forestPlot } from '../forest_plot.js';
import { interval } from '../format.js';
import { errorBox, notice, unknownKeyBox, unknownKeyField } from '../messages.js';
import { nodeOptions, optionSelect } from '../node_options.js';

const patternCount = 20;
// Tests listed per pattern (the server lists the most precise ones and counts the rest).
const testCount = 20;
const filterNames = ['channel', 'segment', 'metric'];
// z for a two-sided 95% interval.
const z95 = 1.959964;

const i2Text = (i2) => (i2 === null || i2 === undefined ? '—' : `${Math.round(i2 * 100)}%`);

function patternRows(patterns) {
  return patterns.map((pattern) => ({
    label: pattern.label || pattern.feature,
    lift: pattern.pooled_lift,
    ci_low: pattern.ci_low,
    ci_high: pattern.ci_high,
    pattern,
  }));
}

// A test behind a pattern: its effect is a log relative lift with a standard error, so its
// 95% interval is exp(log lift ± z·se) - 1. Its row header links to its experiment page. The
// chart's labels must differ: a name two tests share gets the key added.
function testRows(tests, names) {
  const seen = new Map();
  for (const test of tests) {
    const name = names.get(test.key) || test.key;
    seen.set(name, (seen.get(name) || 0) + 1);
  }
  return tests.map((test) => {
    const name = names.get(test.key) || test.key;
    const short = name.length > 44 ? `${name.slice(0, 43)}…` : name;
    return {
      key: test.key,
      label: seen.get(name) > 1 ? `${short} (${test.key})` : short,
      labelCell: h('a', { href: `#/experiment/${encodeURIComponent(test.key)}` }, name),
      lift: test.lift,
      ci_low: Math.expm1(test.log_lift - z95 * test.se),
      ci_high: Math.expm1(test.log_lift + z95 * test.se),
      derived: test.derived,
    };
  });
}

async function experimentNames(keys) {
  if (!keys.length) return new Map();
  const answer = await cypher('MATCH (e:Experiment) WHERE e.key IN $keys RETURN e.key, e.name', { keys });
  return new Map(answer.rows.map(([key, name]) => [key, name || key]));
}

async function showTests(panel, pattern) {
  fill(panel, h('h2', { tabindex: '-1' }, `Tests behind “${pattern.label || pattern.feature}”`),
    h('p', { class: 'loading' }, 'Loading the tests…'));
  panel.hidden = false;
  panel.querySelector('h2').focus();
  try {
    const tests = pattern.experiments || [];
    const names = await experimentNames(tests.map((test) => test.key));
    const rows = testRows(tests, names);
    const omitted = pattern.experiments_omitted || 0;
    fill(panel, h('h2', { tabindex: '-1' }, `Tests behind “${pattern.label || pattern.feature}”`),
      h('p', {}, pattern.summary),
      h('p', { class: 'muted' }, omitted
        ? `The ${rows.length} most precise of its ${pattern.tests} tests; ${omitted} more are not listed.`
        : `All ${rows.length} tests.`,
        ' Each test’s lift is the feature’s arms against the others (or the treatments against the control), with its 95% interval.'),
      rows.length
        ? forestPlot(rows, {
          title: 'Lift per test',
          caption: `The tests behind “${pattern.label || pattern.feature}”: lift and 95% interval`,
          labelHeader: 'test',
          columns: [
            { header: 'effect', cell: (row) => (row.derived ? 'derived from a summary' : 'from counts') },
          ],
          onRowClick: (row) => { location.hash = `#/experiment/${encodeURIComponent(row.key)}`; },
        })
        : notice('The answer lists no tests for this pattern.'));
    panel.querySelector('h2').focus();
  } catch (error) {
    fill(panel, errorBox(error, 'Could not load the tests behind this pattern'));
  }
}

function contextText(context) {
  const parts = filterNames.filter((name) => context && context[name]).map((name) => `${name} ${context[name]}`);
  return parts.length ? parts.join(', ') : 'every channel, segment and metric';
}

export async function patternsPage(root, params) {
  const controls = Object.fromEntries(filterNames.map((name) =>
    [name, optionSelect(name, [], `Any ${name}`)]));
  const minTests = h('input', { type: 'number', name: 'min_tests', min: 2, max: 1000, value: params.get('min_tests') || '3' });
  const form = h('form', { class: 'filters', 'aria-label': 'Filter patterns' },
    field('Channel', controls.channel), field('Segment', controls.segment), field('Metric', controls.metric),
    field('At least this many tests', minTests));
  const output = h('div', { 'aria-live': 'polite' });
  const tests = h('section', { class: 'panel', 'aria-label': 'Tests behind the pattern', hidden: true });
  fill(root, h('section', { class: 'patterns' }, h('h1', {}, 'Patterns'),
    h('p', { class: 'lead' }, 'Features shared by concluded tests and how they did, pooled across the tests (random effects): the lift, its 95% interval, how much the tests disagree (I²) and how many there are. Open a pattern to see the tests behind it.'),
    form, output, tests));

  // Each filter's choices, key -> name, for the suggestions' labels.
  const choiceNames = {};
  let current = null;
  async function load(openFeature) {
    const query = new URLSearchParams({ limit: String(patternCount), experiments: String(testCount) });
    for (const name of filterNames) if (controls[name].value) query.set(name, controls[name].value);
    if (minTests.value) query.set('min_tests', minTests.value);
    const address = new URLSearchParams();
    for (const name of filterNames) if (controls[name].value) address.set(name, controls[name].value);
    if (minTests.value !== '3') address.set('min_tests', minTests.value);
    if (openFeature) address.set('open', openFeature);
    history.replaceState(null, '', `#/patterns${address.toString() ? `?${address}` : ''}`);
    fill(output, h('p', { class: 'loading' }, 'Mining patterns…'));
    tests.hidden = true;
    const asked = (current = query.toString());
    let answer;
    try {
      answer = await get(`/v1/patterns?${query}`);
    } catch (error) {
      if (asked !== current) return;
      const unknown = unknownKeyField(error, filterNames);
      if (unknown && query.has(unknown)) {
        fill(output, unknownKeyBox(error, `There is no ${unknown} “${query.get(unknown)}”`, (key) => {
          controls[unknown].value = key;
          load(openFeature);
        }, (key) => choiceNames[unknown].get(key) || key));
      } else {
        fill(output, errorBox(error, 'Could not load the patterns'));
      }
      return;
    }
    if (asked !== current) return;  // a newer filter is on its way
    const patterns = answer.patterns || [];
    const open = (pattern) => {
      const address2 = new URLSearchParams(location.hash.split('?')[1] || '');
      address2.set('open', pattern.feature);
      history.replaceState(null, '', `#/patterns?${address2}`);
      showTests(tests, pattern);
    };
    fill(output,
      answer.message ? notice(answer.message) : null,
      h('p', { class: 'muted' }, `${patterns.length} pattern${patterns.length === 1 ? '' : 's'} in ${contextText(answer.context)}, strongest evidence first.`),
      patterns.length
        ? forestPlot(patternRows(patterns), {
          title: 'Pooled lift per pattern',
          caption: 'Patterns: pooled lift, 95% interval, I² and tests',
          labelHeader: 'pattern',
          columns: [
            { header: 'I²', cell: (row) => i2Text(row.pattern.i2) },
            // Where a new test's lift would fall (95%), which I² widens beyond the pooled interval.
            { header: '95% range for a new test', cell: (row) => interval(row.pattern.prediction_low, row.pattern.prediction_high) },
            { header: 'tests', cell: (row) => h('button', { type: 'button', class: 'link', 'aria-label': `Open the ${row.pattern.tests} tests behind ${row.label}`, onclick: () => open(row.pattern) }, `${row.pattern.tests} tests`) },
          ],
          onRowClick: (row) => open(row.pattern),
        })
        : null);
    const toOpen = openFeature && patterns.find((pattern) => pattern.feature === openFeature);
    if (toOpen) showTests(tests, toOpen);
  }

  const choices = await Promise.all(['Channel', 'Segment', 'Metric'].map(nodeOptions)).catch((error) => {
    output.appendChild(errorBox(error, 'Could not load the filter choices'));
    return [[], [], []];
  });
  filterNames.forEach((name, i) => {
    choiceNames[name] = new Map(choices[i]);
    for (const [value, text] of choices[i]) controls[name].appendChild(h('option', { value }, text));
    // A select cannot hold a value it has no option for: keep the address's key as one, so that
    // it is what load() asks for (the menu lists at most 5000 keys: the server decides).
    const wanted = params.get(name) || '';
    if (wanted && !choiceNames[name].has(wanted)) controls[name].appendChild(h('option', { value: wanted }, wanted));
    controls[name].value = wanted;
    controls[name].addEventListener('change', () => load());
  });
  minTests.addEventListener('change', () => load());
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  await load(params.get('open'));
}
