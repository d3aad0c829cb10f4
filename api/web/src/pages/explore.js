// Graph explorer and query console: the neighbourhood of any node, expanded by clicking
// (GET /v1/nodes/{type}/{key}/neighborhood), and a Cypher editor (POST /v1/query) with the
// rows as a table, EXPLAIN as the list of plan operators, and errors with their line and
// column marked in the editor.
import { cypher, get, nodePath } from '../api.js';
import { field, fill, h } from '../dom.js';
import { graphView, nodeId, nodeLabel } from '../graph_view.js';
import { errorBox } from '../messages.js';

const exampleQuery =
  'MATCH (e:Experiment)-[:RUNS_ON]->(c:Channel)\nRETURN c.key AS channel, count(*) AS tests\nORDER BY tests DESC';

function cell(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, 'null');
  if (typeof value === 'object') {
    if (value.type && value.key) {
      const link = value.type === 'Experiment' ? `#/experiment/${encodeURIComponent(value.key)}` : `#/explore?node=${encodeURIComponent(`${value.type}/${value.key}`)}`;
      return h('a', { href: link }, `${value.type}/${value.key}`);
    }
    return JSON.stringify(value);
  }
  return String(value);
}

function resultTable(answer) {
  if (answer.plan) {
    return h('ol', { class: 'plan', 'aria-label': 'Query plan' }, answer.plan.map((step) => h('li', {},
      h('strong', {}, step.operator), ' ',
      Object.entries(step).filter(([name]) => name !== 'operator')
        .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`).join(' · '))));
  }
  return h('div', { class: 'table-scroll' }, h('table', {},
    h('caption', {}, `${answer.rows.length} rows${answer.stats ? ` in ${answer.stats.elapsed_ms.toFixed(1)} ms` : ''}`),
    h('thead', {}, h('tr', {}, answer.columns.map((column) => h('th', { scope: 'col' }, column)))),
    h('tbody', {}, answer.rows.map((row) => h('tr', {}, row.map((value) => h('td', {}, cell(value))))))));
}

// "line:2 column:15" in an error's details -> the offset of that place in `text`.
function errorOffset(error, text) {
  const place = (error.details || []).join(' ').match(/line:(\d+) column:(\d+)/);
  if (!place) return null;
  const lines = text.split('\n');
  const line = Math.min(Number(place[1]), lines.length) - 1;
  let offset = 0;
  for (let i = 0; i < line; i += 1) offset += lines[i].length + 1;
  return { line: Number(place[1]), column: Number(place[2]), offset: offset + Number(place[2]) - 1 };
}

function queryConsole() {
  const editor = h('textarea', { name: 'cypher', rows: 6, spellcheck: 'false', class: 'code' }, exampleQuery);
  const output = h('div', { class: 'query-output', 'aria-live': 'polite' });
  async function run(explain) {
    const text = editor.value;
    fill(output, h('p', { class: 'loading' }, 'Running…'));
    try {
      const answer = await cypher(explain ? `EXPLAIN ${text}` : text, {}, { limit: 1000 });
      fill(output, resultTable(answer));
    } catch (error) {
      const place = errorOffset(error, explain ? `EXPLAIN ${text}` : text);
      fill(output, errorBox(error, 'The query failed'),
        place ? h('p', { class: 'muted' }, `at line ${place.line}, column ${place.column} (marked in the editor)`) : null);
      if (place) {
        const offset = Math.max(0, place.offset - (explain ? 'EXPLAIN '.length : 0));
        editor.focus();
        editor.setSelectionRange(offset, Math.min(text.length, offset + 1));
      }
    }
  }
  const form = h('form', { 'aria-label': 'Cypher query', onsubmit: (event) => { event.preventDefault(); run(false); } },
    field('Cypher (read-only openCypher subset; Ctrl+Enter runs)', editor),
    h('p', {}, h('button', { type: 'submit' }, 'Run'), ' ',
      h('button', { type: 'button', class: 'secondary', onclick: () => run(true) }, 'Explain')));
  editor.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(false); }
  });
  return h('section', { class: 'panel', 'aria-label': 'Query console' }, h('h2', {}, 'Query console'), form, output);
}

export async function explorePage(root, params) {
  const start = params.get('node') || 'Experiment/EXP-2041';
  const input = h('input', { type: 'text', name: 'node', value: start, placeholder: 'Type/key, e.g. Experiment/EXP-2041' });
  const details = h('div', { class: 'node-details', 'aria-live': 'polite' });
  const messages = h('div');
  const expanded = new Set();
  let view = null;
  const holder = h('div');

  async function expand(id) {
    const [type, ...rest] = id.split('/');
    const key = rest.join('/');
    if (!type || !key) {
      fill(messages, errorBox({ message: 'give a node as Type/key, e.g. Experiment/EXP-2041' }, 'Not a node'));
      return;
    }
    if (expanded.has(id)) return;
    fill(messages);
    try {
      const graph = await get(`${nodePath(type, key)}/neighborhood?hops=1&direction=both&limit=40`);
      expanded.add(id);
      view.add(graph, expanded.size === 1 ? id : null);
      if (graph.truncated) messages.appendChild(h('p', { class: 'muted' }, `${id}: only the first 40 neighbours are shown.`));
    } catch (error) {
      fill(messages, errorBox(error, `Could not open ${id}`));
    }
  }
  function showNode(node) {
    const id = nodeId(node);
    fill(details, h('h3', {}, `${node.type}: ${nodeLabel(node)}`),
      h('dl', { class: 'facts' }, Object.entries(node.properties || {}).map(([name, value]) =>
        [h('dt', {}, name), h('dd', {}, typeof value === 'object' ? JSON.stringify(value) : String(value))])),
      node.type === 'Experiment' ? h('p', {}, h('a', { href: `#/experiment/${encodeURIComponent(node.key)}` }, 'Open the experiment page')) : null);
    expand(id);
  }
  function open(id) {
    expanded.clear();
    view = graphView({ onSelect: showNode, label: `Graph around ${id}` });
    fill(holder, view);
    expand(id);
  }
  const form = h('form', { class: 'inline-form', 'aria-label': 'Open a node',
    onsubmit: (event) => { event.preventDefault(); history.replaceState(null, '', `#/explore?node=${encodeURIComponent(input.value.trim())}`); open(input.value.trim()); } },
    field('Node', input), h('button', { type: 'submit' }, 'Open'));
  fill(root, h('h1', {}, 'Graph explorer'),
    h('section', { class: 'panel', 'aria-label': 'Graph explorer' }, form, messages,
      h('div', { class: 'explorer' }, holder, details),
      h('p', { class: 'muted' }, 'Click a node to see its properties and expand its neighbours.')),
    queryConsole());
  open(start);
}
