// Search (the home page): "Have we tested something like this?" Searches as you type (debounced)
// over hypotheses, learnings, experiments and assets (POST /v1/search), filtered by node type,
// channel, segment (subsegments included, server side), metric, outcome and start date, which the
// address keeps beside the text (#/?q=...&channel=sms&outcome=won). One card
// per experiment: its result as a lift bar around zero, the arm it is for, its learnings and why it
// matched. Marks `search-input` and `search-rendered` (performance marks) for the browser tests.
// A channel, segment or metric the address names that does not exist is kept in its menu and
// asked for all the same: the server's 422 (with the closest keys) is shown with those keys as
// suggestions, never the results of every channel under a menu that fell back to "Any channel".
import { get, nodePath, post } from '../api.js';
import { debounce, field, fill, h } from '../dom.js';
import { pValue } from '../format.js';
import { liftBar } from '../lift_bar.js';
import { errorBox, notice, unknownKeyBox, unknownKeyField } from '../messages.js';
import { nodeOptions } from '../node_options.js';

const searchTypes = ['Experiment', 'Hypothesis', 'Learning', 'Asset'];
const outcomes = ['won', 'lost', 'inconclusive'];
const debounceMs = 50;
const resultCount = 10;
// As the style sheet's narrow layout (style.css, max-width: 720px).
const narrowScreen = window.matchMedia('(max-width: 720px)');

// The server leaves out hits below its relevance floor; say how close the closest one came.
function nothingFound(answer, text) {
  if (!answer.nothing_similar || typeof answer.closest_similarity !== 'number') {
    return `Nothing found for “${text}”.`;
  }
  return `Nothing similar found for “${text}” (closest similarity ${answer.closest_similarity.toFixed(2)}).`;
}

function select(name, label, options, anyText) {
  const control = h(
    'select',
    { name },
    h('option', { value: '' }, anyText),
    options.map(([value, text]) => h('option', { value }, text)),
  );
  return { control, element: field(label, control) };
}

// Words too common to explain a match.
const stopWords = new Set(['the', 'and', 'for', 'with', 'that', 'this', 'are', 'was', 'from',
  'you', 'your', 'our', 'has', 'had', 'have', 'not', 'but', 'its', 'into', 'than', 'they']);

// The words of the query found in `text`, for "why it matched".
function sharedWords(query, text) {
  const words = new Set(
    query
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length > 2 && !stopWords.has(word)),
  );
  const found = new Set();
  for (const word of String(text || '').toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (words.has(word)) found.add(word);
  }
  return [...found];
}

function nodeText(node) {
  const p = node.properties || {};
  return p.statement || p.text || p.name || p.description || node.key;
}

function card(hit, query, extra) {
  const context = hit.context || {};
  const experiment = context.experiment;
  const matchedText = nodeText(hit.node);
  const words = sharedWords(query, matchedText);
  const title = experiment
    ? h('a', { href: `#/experiment/${encodeURIComponent(experiment.key)}` }, experiment.name)
    : h('span', {}, `${hit.node.type} ${hit.node.key}`);
  const learnings = experiment ? extra.learnings.get(experiment.key) || [] : [];
  const arm = context.result ? extra.arms.get(context.result.key) : null;
  return h(
    'li',
    { class: 'card' },
    h('article', { 'aria-label': experiment ? experiment.name : hit.node.key },
      h('header', {},
        h('h3', {}, title),
        experiment ? h('span', { class: `badge ${experiment.status}` }, experiment.status) : null),
      h('p', { class: 'chips' },
        [context.channel && `channel ${context.channel}`, context.segment && `segment ${context.segment}`,
          context.metric && `metric ${context.metric}`]
          .filter(Boolean)
          .map((text) => h('span', { class: 'chip' }, text))),
      h('div', { class: 'result-row' },
        liftBar(context.result),
        context.result
          // The server summarises a test by its first result with a lift, not its best one.
          ? h('span', { class: 'muted' }, pValue(context.result.p_value),
            arm ? ` · lift of ${arm}` : '')
          : null),
      learnings.length
        ? h('ul', { class: 'learnings', 'aria-label': 'Learnings' },
          learnings.slice(0, 2).map((l) =>
            h('li', {}, h('span', { class: `badge ${l.outcome}` }, l.outcome || 'learning'), ' ', l.text)))
        : null,
      h('p', { class: 'why' },
        h('strong', {}, 'Why it matched: '),
        `the ${hit.node.type.toLowerCase()}’s text “${matchedText.length > 160 ? `${matchedText.slice(0, 157)}…` : matchedText}”`,
        words.length ? ` shares ${words.map((w) => `“${w}”`).join(', ')}` : ' is close in meaning',
        // The score only orders the hits (it is no probability and no percentage).
        h('span', { class: 'muted' }, ` · ranking score ${hit.score.toFixed(3)}`))),
  );
}

// One card per experiment (the best-scored hit of each), then hits outside any experiment.
function groupHits(hits) {
  const seen = new Set();
  const cards = [];
  for (const hit of hits) {
    const key = hit.context && hit.context.experiment ? hit.context.experiment.key : `${hit.node.type}/${hit.node.key}`;
    if (seen.has(key)) continue;
    seen.add(key);
    cards.push(hit);
  }
  return cards;
}

// Learnings per experiment and the arm each result is for: one small neighbourhood request per
// card (YIELDED, HAS_RESULT, FOR_VARIANT out of the experiment), served from the topology
// mirror in milliseconds (a Cypher query with IN over the keys scans every experiment).
async function loadExtras(hits) {
  const experiments = [...new Set(hits.map((hit) => hit.context?.experiment?.key).filter(Boolean))];
  const learnings = new Map();
  const arms = new Map();
  const graphs = await Promise.all(experiments.map((key) =>
    get(`${nodePath('Experiment', key)}/neighborhood?hops=2&direction=out&types=YIELDED,HAS_RESULT,FOR_VARIANT&limit=200`)
      .catch(() => ({ nodes: [], edges: [] }))));
  experiments.forEach((key, i) => {
    const graph = graphs[i];
    const byId = new Map(graph.nodes.map((node) => [`${node.type}/${node.key}`, node]));
    const mine = [];
    for (const edge of graph.edges) {
      const target = byId.get(edge.to);
      if (!target) continue;
      if (edge.type === 'YIELDED') mine.push({ text: target.properties.text, outcome: target.properties.outcome });
      if (edge.type === 'FOR_VARIANT') arms.set(edge.from.slice('Result/'.length), target.properties.name || target.key);
    }
    learnings.set(key, mine);
  });
  return { learnings, arms };
}

export async function searchPage(root, params) {
  const input = h('input', {
    type: 'search',
    name: 'q',
    autocomplete: 'off',
    placeholder: 'e.g. a concrete discount in the subject line',
    value: params.get('q') || '',
  });
  const typeSelect = select('type', 'Type', searchTypes.map((t) => [t, t]), 'Any type');
  const outcomeSelect = select('outcome', 'Outcome', outcomes.map((o) => [o, o]), 'Any outcome');
  const since = h('input', { type: 'date', name: 'since' });
  const filters = h('div', { class: 'filters' }, typeSelect.element, outcomeSelect.element,
    field('Started since', since));
  // Six filters take a phone's whole first screen: there they start folded (the summary says
  // how many are set), so the first results show without scrolling.
  const filterSummary = h('summary', {}, 'Filters');
  const filterPanel = h('details', { class: 'filter-panel', open: !narrowScreen.matches }, filterSummary, filters);
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const results = h('ol', { class: 'cards', 'aria-label': 'Search results' });
  const errors = h('div');

  fill(root,
    h('section', { class: 'search' },
      h('h1', {}, 'Have we tested something like this?'),
      h('form', { role: 'search', onsubmit: (event) => { event.preventDefault(); run(); } },
        field('Search hypotheses, learnings, experiments and headlines', input),
        filterPanel)),
    errors, status, results);
  input.focus();
  performance.mark('search-ready');

  const selects = { type: typeSelect.control, outcome: outcomeSelect.control };
  // The filters are kept in the address beside the text (#/?q=...&channel=sms), as on the
  // patterns and program pages, so a shared link shows the same results.
  typeSelect.control.value = params.get('type') || '';
  outcomeSelect.control.value = params.get('outcome') || '';
  since.value = params.get('since') || '';
  const contextFilters = ['channel', 'segment', 'metric'];
  // Each context filter's choices, key -> name, for the suggestions' labels.
  const contextNames = {};
  // Channel, segment and metric come from the graph.
  const contextLoaded = Promise.all(['Channel', 'Segment', 'Metric'].map(nodeOptions))
    .then(([channels, segments, metrics]) => {
      // Inserted after the type, last first, so they read channel, segment, metric.
      for (const [name, label, options, any] of [
        ['metric', 'Metric', metrics, 'Any metric'],
        ['segment', 'Segment (and its subsegments)', segments, 'Any segment'],
        ['channel', 'Channel', channels, 'Any channel']]) {
        const built = select(name, label, options, any);
        contextNames[name] = new Map(options);
        // A select cannot hold a value it has no option for: keep the address's key as one, so
        // that it is what run() asks for (the menu lists at most 5000 keys: the server decides).
        const wanted = params.get(name) || '';
        if (wanted && !contextNames[name].has(wanted)) built.control.appendChild(h('option', { value: wanted }, wanted));
        built.control.value = wanted;
        selects[name] = built.control;
        built.control.addEventListener('change', () => run());
        filters.insertBefore(built.element, filters.children[1]);
      }
    })
    .catch((error) => errors.appendChild(errorBox(error, 'Could not load the filters')));

  let sequence = 0;
  let controller = null;
  async function run() {
    const text = input.value.trim();
    // A few more hits than cards: several may belong to one experiment.
    const request = { text, k: resultCount + 2 };
    if (selects.type.value) request.types = [selects.type.value];
    const filter = {};
    for (const name of ['channel', 'segment', 'metric', 'outcome']) {
      if (selects[name] && selects[name].value) filter[name] = selects[name].value;
    }
    if (since.value) filter.since = since.value;
    if (Object.keys(filter).length) request.filter = filter;
    const set = Object.keys(filter).length + (request.types ? 1 : 0);
    filterSummary.textContent = set ? `Filters · ${set} set` : 'Filters';
    const address = new URLSearchParams();
    if (text) address.set('q', text);
    if (request.types) address.set('type', request.types[0]);
    for (const [name, value] of Object.entries(filter)) address.set(name, value);
    history.replaceState(null, '', address.toString() ? `#/?${address}` : '#/');
    fill(errors);
    if (!text) {
      fill(results);
      fill(status, 'Type what you want to test; results appear as you type.');
      // A key of the address that the menus do not list may name nothing (a stale link, a
      // typo): the request is still sent, because the server checks the filter's keys before the
      // text and answers an unknown one with the closest keys; any other answer to a search
      // without text is left unsaid.
      const unlisted = contextFilters.some((name) =>
        filter[name] && contextNames[name] && !contextNames[name].has(filter[name]));
      if (!unlisted) return;
    }
    sequence += 1;
    const mine = sequence;
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const answer = await post('/v1/search', request, { signal: controller.signal });
      if (mine !== sequence || !text) return;
      const hits = groupHits(answer.hits).slice(0, resultCount);
      const empty = { learnings: new Map(), arms: new Map() };
      fill(results, hits.map((hit) => card(hit, text, empty)));
      fill(status, hits.length ? `${hits.length} result${hits.length === 1 ? '' : 's'} for “${text}”` : nothingFound(answer, text));
      performance.mark('search-rendered', { detail: { text, first: hits[0]?.context?.experiment?.key } });
      if (!hits.length) results.appendChild(notice('Try fewer words or remove a filter.'));
      // Learnings and arms follow in a second step, so the cards appear at once.
      const extra = await loadExtras(hits);
      if (mine !== sequence) return;
      fill(results, hits.map((hit) => card(hit, text, extra)));
    } catch (error) {
      if (error.name === 'AbortError') return;
      if (mine !== sequence) return;
      const unknown = unknownKeyField(error, contextFilters);
      if (unknown && filter[unknown]) {
        // No results rather than the last ones, which were not for this filter.
        fill(results);
        fill(status);
        fill(errors, unknownKeyBox(error, `There is no ${unknown} “${filter[unknown]}”`, (key) => {
          selects[unknown].value = key;
          run();
        }, (key) => contextNames[unknown].get(key) || key));
      } else if (text) {
        fill(errors, errorBox(error, 'Search failed'));
      }
    }
  }
  const typed = debounce(run, debounceMs);
  input.addEventListener('input', () => {
    performance.mark('search-input');
    typed();
  });
  for (const control of [typeSelect.control, outcomeSelect.control, since]) {
    control.addEventListener('change', () => run());
  }
  // An address with a channel, segment or metric waits for their choices, so that its first
  // results are the filtered ones; otherwise the search starts at once.
  if (contextFilters.some((name) => params.get(name))) await contextLoaded;
  run();
}
