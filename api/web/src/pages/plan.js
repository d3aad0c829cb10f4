// Plan a test: a draft (hypothesis, channel, segment, metric, candidate variants with their
// text) -> similar past tests with the signals that matched (POST /v1/recommendations/
// similar-tests), the patterns that apply to the context (GET /v1/patterns) and the forecast
// per candidate (POST /v1/forecast). A writer saves the draft as a Hypothesis linked with
// INSPIRED_BY to the learnings ticked in the similar tests, in one all-or-nothing batch.
import { get, post } from '../api.js';
import { field, fill, h, uid } from '../dom.js';
import { featureList } from '../contribution_labels.js';
import { date, interval, percent, probability } from '../format.js';
import { liftBar } from '../lift_bar.js';
import { errorBox, notice } from '../messages.js';
import { nodeOptions, optionSelect } from '../node_options.js';
import { can } from '../session.js';


function candidateRow(index, name = '', text = '') {
  // Optional: without candidates the plan shows similar tests and patterns only.
  const nameInput = h('input', { type: 'text', name: 'candidate-name', value: name || `Variant ${String.fromCharCode(65 + index)}` });
  const textInput = h('textarea', { name: 'candidate-text', rows: 2 }, text);
  return h('fieldset', { class: 'candidate' }, h('legend', {}, `Candidate ${index + 1}`),
    field('Name', nameInput), field('Text (headline, subject line, copy)', textInput));
}

// The similar-test signals (each 0 to 1; docs/insights.md, "Similar tests") by what they
// measure.
const signalNames = { text: 'text', proximity: 'same context', outcome: 'clear result', recency: 'recent' };

function similarTests(answer, chosen) {
  const list = answer.recommendations || [];
  if (!list.length) return notice('No similar past test: nothing in the library matches this draft yet.');
  return h('ol', { class: 'cards' }, list.map((item) => {
    const signals = Object.entries(item.signals || {})
      .map(([name, value]) => `${signalNames[name] || name} ${value.toFixed(2)}`).join(' · ');
    return h('li', { class: 'card' },
      h('article', { 'aria-label': item.experiment.name },
        h('header', {}, h('h3', {}, h('a', { href: `#/experiment/${encodeURIComponent(item.experiment.key)}` }, item.experiment.name)),
          h('span', { class: `badge ${item.experiment.status}` }, item.experiment.status)),
        h('p', { class: 'chips' }, (item.matched || []).map((m) => h('span', { class: 'chip' }, `matched ${m}`)),
          h('span', { class: 'muted' }, ` started ${date(item.experiment.started_at)} · match ${item.score.toFixed(2)} of 1 (${signals})`)),
        item.summary ? h('p', { class: 'summary' }, item.summary) : null,
        h('div', { class: 'result-row' }, liftBar(item.result),
          item.result?.metric ? h('span', { class: 'muted' }, `on ${item.result.metric}`) : null),
        (item.learnings || []).length
          ? h('ul', { class: 'learnings' }, item.learnings.map((learning) => {
            const box = h('input', { type: 'checkbox', name: 'inspired-by', value: learning.key, id: uid('learning') });
            box.addEventListener('change', () => (box.checked ? chosen.add(learning.key) : chosen.delete(learning.key)));
            return h('li', {}, box, h('label', { for: box.id },
              h('span', { class: `badge ${learning.outcome}` }, learning.outcome || 'learning'), ' ', learning.text));
          }))
          : null));
  }));
}

// When the draft's context has too few concluded tests the server mines a broader one
// (`fallback`) and says which in `message`: the table must not pass them off as this context's.
function patternList(answer) {
  const patterns = answer.patterns || [];
  if (!patterns.length) return notice(answer.message || 'No mined pattern applies to this channel, segment and metric.');
  return [answer.fallback && answer.message ? notice(answer.message) : null, h('table', {},
    h('caption', {}, answer.fallback ? 'Patterns in concluded tests of a broader context than this draft’s' : 'Patterns in concluded tests of this context'),
    h('thead', {}, h('tr', {}, ['pattern', 'pooled lift', '95% interval', 'I²', 'tests'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, patterns.slice(0, 8).map((pattern) => h('tr', {},
      h('th', { scope: 'row' }, pattern.label || pattern.feature || pattern.key || '—'),
      h('td', {}, percent(pattern.lift ?? pattern.pooled_lift)),
      h('td', {}, interval(pattern.ci_low, pattern.ci_high)),
      h('td', {}, pattern.i2 !== undefined && pattern.i2 !== null ? `${Math.round(pattern.i2 * 100)}%` : '—'),
      h('td', {}, String(pattern.tests ?? (pattern.experiments || []).length)))))),
  ];
}

// What a closest past test's arm did: `won` is null when the arm has no measured rate.
function armOutcome(won) {
  if (won === true) return 'won its test';
  if (won === false) return 'did not win its test';
  return 'no measured result';
}

// The expected lift is against the mean of the candidates, or against the control when the
// draft names one (docs/insights.md, "Learned forecast").
function againstText(expected) {
  return expected.against === 'control' ? `against the control (${expected.control})` : 'against the mean of these candidates';
}

function forecastCards(answer) {
  const candidates = answer.candidates || [];
  const best = new Set(answer.best_candidates || []);
  const model = answer.model || {};
  const intro = model.status === 'ok'
    ? `From the learned model (trained ${date(model.trained_at)} on ${model.experiments} tests before ${model.cutoff}). A chance to be best is among these ${candidates.length} candidates only; an interval holds that share of the lifts of future tests like the past ones.`
    : `No learned model yet (${model.reason || model.status || 'not trained'}); the meta-analytic estimate stands alone.`;
  return [
    h('p', { class: 'muted' }, intro),
    h('ol', { class: 'cards forecast' }, candidates.map((candidate) => {
      const expected = candidate.expected_lift;
      const meta = candidate.forecast || {};
      const up = featureList(candidate.contributions?.up);
      const down = featureList(candidate.contributions?.down);
      return h('li', { class: `card${best.has(candidate.name) ? ' best' : ''}` },
        h('article', { 'aria-label': `Forecast for ${candidate.name}` },
          h('header', {}, h('h3', {}, candidate.name), best.has(candidate.name) ? h('span', { class: 'badge won' }, 'most likely best') : null),
          // The server's sentence says why a candidate without evidence ranks last.
          candidate.evidence?.has_evidence === false && candidate.summary ? h('p', { class: 'summary' }, candidate.summary) : null,
          h('dl', { class: 'facts' },
            h('dt', {}, `chance to be the best of these ${candidates.length}`),
            h('dd', { class: 'p-best' }, candidate.p_best === undefined || candidate.p_best === null
              ? 'no learned model yet' : probability(candidate.p_best)),
            expected ? [h('dt', {}, `expected lift ${againstText(expected)}`),
              h('dd', {}, `${percent(expected.lift)}; 80% interval ${interval(...expected.intervals['80'])}, 95% interval ${interval(...expected.intervals['95'])}`)] : null,
            h('dt', {}, 'past arms with similar text (meta-analysis)'),
            h('dd', {}, meta.status === 'ok'
              ? `${percent(meta.lift)} against their own baselines, 95% interval ${interval(meta.ci_low, meta.ci_high)}, from ${meta.tests} tests`
              : `too few for an estimate (${meta.tests ?? 0} test${meta.tests === 1 ? '' : 's'})`)),
          expected ? liftBar({ lift: expected.lift, ci_low: expected.intervals['95'][0], ci_high: expected.intervals['95'][1] }) : null,
          up.length || down.length ? h('p', { class: 'muted' }, up.length ? `pushed up by ${up.join(', ')}` : '',
            up.length && down.length ? '; ' : '', down.length ? `pushed down by ${down.join(', ')}` : '') : null,
          (candidate.closest_tests || []).length ? h('details', {}, h('summary', {}, 'Closest past tests'),
            h('ul', {}, candidate.closest_tests.slice(0, 5).map((test) => h('li', {},
              h('a', { href: `#/experiment/${encodeURIComponent(test.experiment.key)}` }, `“${test.text}”`),
              ` ${armOutcome(test.won)} · text similarity ${test.similarity.toFixed(2)} (of 1)`)))) : null));
    })),
  ];
}

export async function planPage(root) {
  const hypothesis = h('textarea', { name: 'hypothesis', rows: 3, required: true,
    placeholder: 'e.g. Questions in headlines get more clicks' });
  const channel = optionSelect('channel', [], 'Any channel');
  const segment = optionSelect('segment', [], 'Any segment');
  const metric = optionSelect('metric', [], 'Any metric');
  const candidates = h('div', { class: 'candidates' }, candidateRow(0), candidateRow(1));
  const addCandidate = h('button', { type: 'button', class: 'secondary',
    onclick: () => candidates.appendChild(candidateRow(candidates.children.length)) }, 'Add a candidate');
  const submit = h('button', { type: 'submit' }, 'Show similar tests and forecast');
  const form = h('form', { class: 'plan-form', 'aria-label': 'Draft test' },
    field('Hypothesis', hypothesis),
    h('div', { class: 'filters' }, field('Channel', channel), field('Segment', segment), field('Metric', metric)),
    candidates, h('p', {}, addCandidate, ' ', submit));
  const output = h('div', { class: 'plan-output', 'aria-live': 'polite' });
  fill(root, h('h1', {}, 'Plan a test'),
    h('p', { class: 'lead' }, 'Describe the draft: the past tests it resembles, the patterns of its context and a forecast for each candidate appear below.'),
    form, output);

  Promise.all(['Channel', 'Segment', 'Metric'].map(nodeOptions)).then(([channels, segments, metrics]) => {
    for (const [control, choices] of [[channel, channels], [segment, segments], [metric, metrics]]) {
      for (const [value, text] of choices) control.appendChild(h('option', { value }, text));
    }
  }).catch((error) => output.appendChild(errorBox(error, 'Could not load the choices')));

  const chosen = new Set();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const draft = { hypothesis: hypothesis.value.trim() };
    for (const [name, control] of [['channel', channel], ['segment', segment], ['metric', metric]]) {
      if (control.value) draft[name] = control.value;
    }
    const candidateList = [...candidates.querySelectorAll('fieldset')].map((set) => ({
      name: set.querySelector('[name=candidate-name]').value.trim(),
      text: set.querySelector('[name=candidate-text]').value.trim(),
    })).filter((candidate) => candidate.name && candidate.text);
    const patternQuery = new URLSearchParams({ limit: '8' });
    for (const name of ['channel', 'segment', 'metric']) if (draft[name]) patternQuery.set(name, draft[name]);
    fill(output, h('p', { class: 'loading' }, 'Looking for similar tests and forecasting…'));
    chosen.clear();
    try {
      const [similar, patterns, forecast] = await Promise.all([
        post('/v1/recommendations/similar-tests', { ...draft, k: 5 }),
        get(`/v1/patterns?${patternQuery}`),
        candidateList.length ? post('/v1/forecast', { ...draft, candidates: candidateList, k: 5 }) : null,
      ]);
      const save = can('writer') ? saveForm(draft, chosen) : h('p', { class: 'muted' }, 'Sign in with a writer key to save the draft as a hypothesis.');
      fill(output,
        h('section', { class: 'panel', 'aria-label': 'Forecast' }, h('h2', {}, 'Forecast per candidate'),
          forecast ? forecastCards(forecast) : notice('Add candidates with text to get a forecast.')),
        h('section', { class: 'panel', 'aria-label': 'Similar past tests' }, h('h2', {}, 'Similar past tests'),
          h('p', { class: 'muted' }, 'Tick the learnings this draft builds on: saving links them with INSPIRED_BY.'),
          similarTests(similar, chosen)),
        h('section', { class: 'panel', 'aria-label': 'Patterns that apply' }, h('h2', {}, 'Patterns that apply'), patternList(patterns)),
        h('section', { class: 'panel', 'aria-label': 'Save' }, h('h2', {}, 'Save the draft'), save));
    } catch (error) {
      fill(output, errorBox(error, 'Could not plan this test'));
    }
  });
}

function saveForm(draft, chosen) {
  const name = h('input', { type: 'text', name: 'hypothesis-name', value: draft.hypothesis.slice(0, 60) });
  const message = h('div', { class: 'form-message' });
  const button = h('button', { type: 'submit' }, 'Save as hypothesis');
  const form = h('form', { 'aria-label': 'Save as hypothesis' }, field('Short title', name), button, message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    // The time to the second and six random digits: a batch with an existing key updates that
    // node, so two planners saving in the same second must not get the same key.
    const stamp = new Date().toISOString().replace(/\D/g, '');
    const random = String(crypto.getRandomValues(new Uint32Array(1))[0] % 1000000).padStart(6, '0');
    const key = `HYP-${stamp.slice(0, 8)}-${stamp.slice(8, 14)}-${random}`;
    const properties = { statement: draft.hypothesis, status: 'draft', created_on: new Date().toISOString().slice(0, 10) };
    if (name.value.trim()) properties.name = name.value.trim();
    const batch = {
      nodes: [{ type: 'Hypothesis', key, properties }],
      edges: [...chosen].map((learning) => ({ type: 'INSPIRED_BY', from: `Hypothesis/${key}`, to: `Learning/${learning}` })),
    };
    fill(message);
    try {
      await post('/v1/batch', batch);
      fill(message, notice(`Saved as Hypothesis ${key}, inspired by ${chosen.size} learning${chosen.size === 1 ? '' : 's'}.`));
      button.disabled = true;
    } catch (error) {
      fill(message, errorBox(error, 'The hypothesis was not saved'));
    }
  });
  return form;
}
