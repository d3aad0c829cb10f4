// The experiment page: hypothesis, status and decision with who approved it, the timeline from
// the node's history, variants with their assets, results as a forest plot, learnings, lineage
// and the neighbourhood as a graph. Writers can move the status on; the server's governance
// gates (e.g. concluding without a result) come back as a readable 422.
import { get, nodePath, put } from '../api.js';
import { field, fill, h } from '../dom.js';
import { date, pValue } from '../format.js';
import { forestPlot } from '../forest_plot.js';
import { graphView, nodeId } from '../graph_view.js';
import { errorBox, notice } from '../messages.js';
import { can } from '../session.js';

const statuses = ['planned', 'running', 'stopped', 'concluded'];
const decisions = ['', 'ship', 'iterate', 'abandon'];

function section(title, ...children) {
  return h('section', { class: 'panel', 'aria-label': title }, h('h2', {}, title), children);
}

function definitionList(pairs) {
  return h('dl', { class: 'facts' },
    pairs.filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

// Index the neighbourhood: nodes by id, edges out of each node by type.
function indexGraph(graph) {
  const nodes = new Map(graph.nodes.map((node) => [nodeId(node), node]));
  const out = new Map();
  for (const edge of graph.edges) {
    const key = `${edge.from}|${edge.type}`;
    if (!out.has(key)) out.set(key, []);
    out.get(key).push(nodes.get(edge.to));
  }
  return (from, type) => (out.get(`${from}|${type}`) || []).filter(Boolean);
}

// The graph shows at most this many nodes: beyond it a drawing takes seconds and reads as a
// blur (the Hillstrom test's two hops are 239 nodes and 895 edges); the explorer has the rest.
const graphNodeLimit = 100;

// `graph` cut to the root, the nodes one hop out, then two hops out, up to `limit` nodes, with
// the edges between the nodes kept.
function nearestPart(graph, rootId, limit) {
  if (graph.nodes.length <= limit) return graph;
  const oneHop = new Set(graph.edges.filter((edge) => edge.from === rootId).map((edge) => edge.to));
  const rank = (node) => (nodeId(node) === rootId ? 0 : oneHop.has(nodeId(node)) ? 1 : 2);
  const kept = [...graph.nodes].sort((a, b) => rank(a) - rank(b)).slice(0, limit);
  const ids = new Set(kept.map(nodeId));
  return { ...graph, nodes: kept, edges: graph.edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to)) };
}

function timeline(versions) {
  let previousStatus = null;
  return h('ol', { class: 'timeline' }, versions.map((version) => {
    const after = version.after ? version.after.properties || {} : {};
    const changes = [];
    if (version.op === 'put_node' && !version.before) changes.push('created');
    if (after.status && after.status !== previousStatus) changes.push(`status ${after.status}`);
    if (after.decision && (!version.before || version.before.properties?.decision !== after.decision)) {
      changes.push(`decision ${after.decision}`);
    }
    if (!version.after) changes.push('deleted');
    previousStatus = after.status || previousStatus;
    return h('li', {}, h('time', { datetime: version.at }, version.at.replace('T', ' ').slice(0, 16)),
      ` ${changes.join(', ') || 'updated'} `, h('span', { class: 'muted' }, `by ${version.actor}`));
  }));
}

function statusForm(experiment, reload) {
  const status = h('select', { name: 'status' },
    statuses.map((value) => h('option', { value, selected: value === experiment.properties.status }, value)));
  const decision = h('select', { name: 'decision' },
    decisions.map((value) => h('option', { value, selected: value === (experiment.properties.decision || '') },
      value || '(none)')));
  const message = h('div', { class: 'form-message' });
  const form = h('form', { class: 'inline-form', 'aria-label': 'Change the status' },
    field('Status', status), field('Decision', decision),
    h('button', { type: 'submit' }, 'Save status'), message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const properties = { ...experiment.properties, status: status.value };
    if (decision.value) properties.decision = decision.value;
    else delete properties.decision;
    fill(message);
    try {
      await put(nodePath('Experiment', experiment.key), { properties });
      fill(message, notice('Saved.'));
      reload();
    } catch (error) {
      fill(message, errorBox(error, 'The status was not changed'));
    }
  });
  return form;
}

export async function experimentPage(root, key) {
  fill(root, h('p', { class: 'loading' }, 'Loading the experiment…'));
  let experiment;
  let graph;
  let history;
  try {
    [experiment, graph, history] = await Promise.all([
      get(nodePath('Experiment', key)),
      get(`${nodePath('Experiment', key)}/neighborhood?hops=2&direction=out&limit=600`),
      get(`${nodePath('Experiment', key)}/history?limit=100`),
    ]);
  } catch (error) {
    fill(root, errorBox(error, `Could not load experiment ${key}`));
    return;
  }
  const id = nodeId(experiment);
  const out = indexGraph(graph);
  const p = experiment.properties;
  const hypotheses = out(id, 'TESTS');
  const variants = out(id, 'HAS_VARIANT');
  const results = out(id, 'HAS_RESULT');
  const learnings = out(id, 'YIELDED');
  const sources = [...out(id, 'SOURCED_FROM'), ...results.flatMap((r) => out(nodeId(r), 'SOURCED_FROM'))];
  const teams = out(id, 'OWNED_BY');
  const context = ['RUNS_ON', 'TARGETS', 'MEASURES', 'PART_OF'].flatMap((type) =>
    out(id, type).map((node) => `${node.type} ${node.properties.name || node.key}`));

  // A test measured per segment has a result per arm, metric and segment: when its results are
  // in more than one segment, the segment is part of each row's name, else the rows would read
  // alike.
  const segmentOf = (result) => out(nodeId(result), 'IN_SEGMENT')[0];
  const perSegment = new Set(results.map((result) => segmentOf(result)?.key)).size > 1;
  const rows = results.map((result) => {
    const variant = out(nodeId(result), 'FOR_VARIANT')[0];
    const metric = out(nodeId(result), 'ON_METRIC')[0];
    const segment = perSegment ? segmentOf(result) : null;
    const label = [variant ? variant.properties.name || variant.key : result.key, metric && metric.key,
      segment ? `segment ${segment.properties.name || segment.key}` : null].filter(Boolean).join(' · ');
    return { label, ...result.properties };
  });

  const variantRows = variants.map((variant) => {
    const assets = out(nodeId(variant), 'USES_ASSET');
    return h('tr', {},
      h('th', { scope: 'row' }, variant.properties.name || variant.key),
      h('td', {}, variant.properties.is_control ? 'control' : 'treatment'),
      h('td', {}, assets.length
        ? h('ul', { class: 'assets' }, assets.map((asset) => h('li', {},
          h('span', { class: 'chip' }, asset.properties.kind || 'asset'), ' ',
          asset.properties.text || asset.properties.uri || asset.properties.external_id || asset.key)))
        : h('span', { class: 'muted' }, variant.properties.description || '—')));
  });

  const drawn = nearestPart(graph, id, graphNodeLimit);
  const graphPanel = graphView({
    label: `Neighbourhood of ${p.name || key}`,
    onSelect: (node) => {
      if (node.type === 'Experiment') location.hash = `#/experiment/${encodeURIComponent(node.key)}`;
      else location.hash = `#/explore?node=${encodeURIComponent(nodeId(node))}`;
    },
  });

  fill(root,
    h('article', { class: 'experiment' },
      h('header', { class: 'page-head' },
        h('p', { class: 'muted' }, `Experiment ${key}`),
        h('h1', {}, p.name || key),
        h('p', {}, h('span', { class: `badge ${p.status}` }, p.status),
          p.decision ? h('span', { class: `badge decision` }, `decision: ${p.decision}`) : null,
          p.approved_by ? h('span', { class: 'muted' }, ` approved by ${p.approved_by} on ${date(p.approved_at)}`) : null)),
      p.description ? h('p', { class: 'lead' }, p.description) : null,
      definitionList([['kind', p.kind], ['started', date(p.started_at)], ['ended', date(p.ended_at)],
        ['owner', teams.map((team) => team.properties.name || team.key).join(', ')],
        ['context', context.join(' · ')]]),
      can('writer') ? section('Status', statusForm(experiment, () => experimentPage(root, key))) : null,
      section('Hypothesis', hypotheses.length
        ? hypotheses.map((hyp) => h('blockquote', {}, hyp.properties.statement || hyp.key,
          hyp.properties.status ? h('span', { class: 'badge' }, hyp.properties.status) : null))
        : notice('No hypothesis is linked (TESTS).')),
      section('Results', rows.length
        ? forestPlot(rows, { title: 'Lift by arm', caption: 'Lift of each arm against its baseline, 95% interval' })
        : notice('No result yet.'),
      rows.length ? h('p', { class: 'muted' }, rows.map((row) => `${row.label}: ${pValue(row.p_value)}`).join(' · ')) : null),
      section('Variants', variants.length
        ? h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'variant'),
          h('th', { scope: 'col' }, 'role'), h('th', { scope: 'col' }, 'assets'))), h('tbody', {}, variantRows))
        : notice('No variants recorded.')),
      section('Learnings', learnings.length
        ? h('ul', { class: 'learnings' }, learnings.map((learning) => h('li', {},
          h('span', { class: `badge ${learning.properties.outcome}` }, learning.properties.outcome || 'learning'), ' ',
          learning.properties.text || learning.key,
          learning.properties.evidence ? h('p', { class: 'muted' }, learning.properties.evidence) : null)))
        : notice('No learning written yet.')),
      section('Lineage', sources.length
        ? h('ul', {}, [...new Map(sources.map((s) => [s.key, s])).values()].map((source) => h('li', {},
          source.properties.name || source.key, source.properties.kind ? ` (${source.properties.kind})` : '')))
        : notice('No data source recorded.')),
      section('Timeline', timeline(history.versions || [])),
      section('Neighbourhood', graphPanel,
        h('p', { class: 'muted' }, drawn.nodes.length < graph.nodes.length
          ? `Two hops out: the ${drawn.nodes.length} nearest of ${graph.nodes.length} nodes; tap a node to open it. `
          : 'Two hops out; tap a node to open it. ',
          h('a', { href: `#/explore?node=${encodeURIComponent(id)}` }, 'Explore from here')))));
  // The graph is laid out after the page is painted, so the results show without waiting for it.
  requestAnimationFrame(() => setTimeout(() => {
    if (graphPanel.isConnected) graphPanel.add(drawn, id);
  }));
}
