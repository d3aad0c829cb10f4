// End-to-end tests of the web UI in Debian's headless Chromium (driven by playwright-core)
// against a real expgraphd with the demo graph and the Upworthy archive: search, the experiment
// page's forest plot, the plan form's forecast, the patterns and program pages, a reader key
// without write buttons, a 422 from a governance gate shown readably, accessibility (axe-core:
// no serious or critical violation), time to first paint and search-as-you-type latency
// (medians of repeats, printed and checked against the bars of issue 21). Screenshots go to
// EXPGRAPH_SCREENSHOT_DIR.
// Run by ctest (tests/browser/CMakeLists.txt), which sets the paths below.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { adminKey, api, loadData, startServer } from './server.mjs';

const env = (name, fallback) => {
  const value = process.env[name] || fallback;
  if (!value) throw new Error(`${name} is not set (ctest sets it: tests/browser/CMakeLists.txt)`);
  return value;
};
const modules = env('EXPGRAPH_WEB_NODE_MODULES');
const require = createRequire(join(modules, 'noop.js'));
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const screenshots = env('EXPGRAPH_SCREENSHOT_DIR');
mkdirSync(screenshots, { recursive: true });

// Phrases from the demo graph and the experiment each should find first.
const searchPhrase = 'naming the exact discount in the subject line';
const expectedFirst = 'Spring sale subject line: concrete discount';
const repeats = 7;

let server;
let browser;
let upworthyLoaded = false;
let readerKey;
let modelTrained;
let stopping = false;
const figures = {};

// A latency bar means something on an otherwise idle machine (as CI's is while this test runs:
// it takes both cores): when the load average is above the core count, the figures are still
// measured and printed, and the bar is not checked (the test says so as skipped).
// bars: [[what, median, bar], ...]
function checkBars(t, bars) {
  const load = loadavg()[0];
  const cores = availableParallelism();
  if (load > cores) {
    const figures = bars.map(([what, value, bar]) => `${what} ${Math.round(value)} ms (bar ${bar} ms)`);
    t.skip(`not checked: load average ${load.toFixed(1)} on ${cores} cores; ${figures.join(', ')}`);
    return;
  }
  for (const [what, value, bar] of bars) assert.ok(value < bar, `${what}: median ${value} ms, bar ${bar} ms`);
}

// 'YYYY-MM' months from `first` to `last`, both included.
function monthsFrom(first, last) {
  const months = [];
  for (let [year, month] = first.split('-').map(Number); `${year}-${String(month).padStart(2, '0')}` <= last;) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month === 13) { month = 1; year += 1; }
  }
  return months;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function signedInPage(key = adminKey) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((value) => sessionStorage.setItem('expgraph.key', value), key);
  const page = await context.newPage();
  page.on('pageerror', (error) => { throw error; });
  return page;
}

async function checkAccessibility(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length} elements, e.g. ${v.nodes[0].target})`), [],
    `axe-core found serious violations on ${what}`);
}

const shot = (page, name, fullPage = false) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage });

before(async () => {
  server = await startServer({ serverBinary: env('EXPGRAPH_SERVER_BINARY'), webDir: env('EXPGRAPH_WEB_DIR') });
  const started = Date.now();
  upworthyLoaded = await loadData(server.url, {
    sourceDir: env('EXPGRAPH_SOURCE_DIR'),
    cliBinary: env('EXPGRAPH_CLI_BINARY'),
    sharedData: env('EXPGRAPH_SHARED_DATA_DIR'),
  });
  const ready = await api(server.url, 'GET', '/readyz');
  figures.data = `${ready.nodes} nodes, ${ready.edges} edges (Upworthy ${upworthyLoaded ? 'loaded' : 'absent'}), loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  readerKey = (await api(server.url, 'POST', '/v1/admin/keys', { name: 'browser-reader', role: 'reader' })).key;
  // The forecast model trains in the background once the data is in (asking for it starts the
  // training when due); the plan test waits for it while the tests before it run.
  // It stops with the server: a run of some tests only (--test-name-pattern) may end first.
  modelTrained = (async () => {
    for (let i = 0; i < 150 && !stopping; i += 1) {
      const answer = await api(server.url, 'GET', '/v1/models/forecast');
      if (answer.model && answer.model.trained_at) return true;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    return false;
  })();
  browser = await chromium.launch({
    executablePath: env('EXPGRAPH_CHROMIUM', '/usr/bin/chromium'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  stopping = true;
  if (modelTrained) await modelTrained.catch(() => false);
  if (browser) await browser.close();
  if (server) await server.stop();
  console.log('figures:', JSON.stringify(figures, null, 1));
});

test('the page and its bundle are served with their types and caching', async () => {
  const page = await fetch(`${server.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  const html = await page.text();
  const script = html.match(/src="(\/assets\/main-[A-Z0-9]+\.js)"/)[1];
  const bundle = await fetch(server.url + script);
  assert.equal(bundle.status, 200);
  assert.match(bundle.headers.get('content-type'), /^application\/javascript/);
  assert.match(bundle.headers.get('cache-control'), /immutable/);
  assert.equal(bundle.headers.get('x-content-type-options'), 'nosniff');
  for (const path of ['/assets/..%2Findex.html', '/assets/%2E%2E/%2E%2E/etc/passwd', '/assets/../../etc/passwd', '/index.html']) {
    const refused = await fetch(server.url + path);
    assert.equal(refused.status, 404, path);
  }
});

test('time to first paint of the home page (median of cold loads)', async (t) => {
  const paints = [];
  const ready = [];
  for (let i = 0; i < repeats; i += 1) {
    const page = await signedInPage();
    await page.goto(`${server.url}/`);
    await page.waitForSelector('input[type=search]');
    const timing = await page.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      ready: performance.getEntriesByName('search-ready')[0]?.startTime,
    }));
    paints.push(timing.paint);
    ready.push(timing.ready);
    await page.context().close();
  }
  figures.first_contentful_paint_ms = { median: median(paints), all: paints.map(Math.round) };
  figures.search_box_ready_ms = { median: median(ready), all: ready.map(Math.round) };
  // The bar of issue 21 is on the first paint; the search box needs the first API answer too,
  // and is held to a looser guard.
  figures.load_average = loadavg()[0];
  checkBars(t, [['first contentful paint', median(paints), 500], ['search box ready', median(ready), 1000]]);
});

test('search as you type finds the expected experiment first, within the latency bar', async (t) => {
  const page = await signedInPage();
  await page.goto(`${server.url}/`);
  const box = page.getByLabel('Search hypotheses, learnings, experiments and headlines');
  await box.pressSequentially(searchPhrase, { delay: 15 });
  const first = page.locator('ol.cards > li').first();
  await first.locator('h3').filter({ hasText: expectedFirst }).waitFor({ timeout: 5000 });
  await page.locator('ul.learnings').first().waitFor();
  await shot(page, 'search');
  await checkAccessibility(page, 'the search page');

  const queries = ['free shipping', 'questions in headlines', 'countdown timer', 'personalised offer',
    'evening push', 'teachers', 'climate change', 'discount subject line', 'video of a dog'];
  const latencies = [];
  // Where the time goes: from the last keystroke to the request (the debounce), the request
  // (server and loopback: the browser's resource timing of the POST), and from its answer to
  // the cards drawn (the page).
  const parts = { until_request: [], request: [], drawing: [] };
  for (const query of queries) {
    await box.fill('');
    await page.evaluate(() => { performance.clearMarks(); performance.clearResourceTimings(); });
    await box.pressSequentially(query, { delay: 20 });
    const timing = await page.waitForFunction((text) => {
      const rendered = performance.getEntriesByName('search-rendered').find((m) => m.detail.text === text);
      const typed = performance.getEntriesByName('search-input');
      const requests = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/v1/search'));
      if (!rendered || !typed.length || !requests.length) return null;
      const lastKey = typed[typed.length - 1].startTime;
      const request = requests[requests.length - 1];
      return {
        latency: rendered.startTime - lastKey,
        until_request: request.startTime - lastKey,
        request: request.responseEnd - request.startTime,
        drawing: rendered.startTime - request.responseEnd,
      };
    }, query).then((handle) => handle.jsonValue());
    latencies.push(timing.latency);
    for (const name of Object.keys(parts)) parts[name].push(timing[name]);
  }
  figures.search_latency_ms = { median: median(latencies), all: latencies.map(Math.round), upworthy: upworthyLoaded };
  figures.search_latency_parts_ms = Object.fromEntries(Object.entries(parts).map(([name, values]) =>
    [name, { median: Math.round(median(values)), all: values.map(Math.round) }]));
  checkBars(t, [['search as you type', median(latencies), 150]]);
  await page.context().close();
});

test('filters narrow the search (channel)', async () => {
  const page = await signedInPage();
  // A phrase of the demo's SMS test: with the channel filter it stays above the relevance floor.
  await page.goto(`${server.url}/#/?q=${encodeURIComponent('personalised offer for lapsed buyers')}`);
  await page.locator('ol.cards > li').first().waitFor();
  await page.getByLabel('Channel').selectOption('sms');
  await page.getByText(/results? for/).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('ol.cards .chip')].some((c) => c.textContent === 'channel sms'));
  const channels = await page.locator('ol.cards .chip').filter({ hasText: /^channel / }).allTextContents();
  assert.ok(channels.length > 0);
  assert.deepEqual([...new Set(channels)], ['channel sms']);
  await page.context().close();
});

// The patterns and program pages kept their filters in the address; the search page kept only
// the text, so a shared link to a filtered search showed unfiltered results.
test('a search address keeps its filters', async () => {
  const page = await signedInPage();
  const phrase = 'personalised offer for lapsed buyers';
  await page.goto(`${server.url}/#/?q=${encodeURIComponent(phrase)}&channel=sms&outcome=won`);
  await page.locator('ol.cards > li').first().waitFor();
  assert.equal(await page.getByLabel('Channel').inputValue(), 'sms');
  assert.equal(await page.getByLabel('Outcome').inputValue(), 'won');
  const channels = await page.locator('ol.cards .chip').filter({ hasText: /^channel / }).allTextContents();
  assert.ok(channels.length > 0);
  assert.deepEqual([...new Set(channels)], ['channel sms']);
  assert.equal(await page.locator('details.filter-panel > summary').innerText(), 'Filters · 2 set');
  // A filter changed on the page goes into the address.
  await page.getByLabel('Outcome').selectOption('');
  await page.getByLabel('Type').selectOption('Learning');
  await page.waitForFunction(() => location.hash.includes('type=Learning') && !location.hash.includes('outcome='));
  assert.equal(new URL(page.url()).hash, `#/?q=${encodeURIComponent(phrase).replace(/%20/g, '+')}&type=Learning&channel=sms`);
  await page.context().close();
});

// An address naming a channel, segment or metric that does not exist (a typo, a stale link)
// showed the results of every channel under "Any channel", without a word, and the key left the
// address. Now the server's 422 is shown, with the closest keys as suggestions to pick from.
test('the search page says a channel in the address is unknown and suggests the closest', async () => {
  const page = await signedInPage();
  await page.goto(`${server.url}/#/search?q=${encodeURIComponent(searchPhrase)}&channel=emial`);
  const alert = page.getByRole('alert').filter({ hasText: 'There is no channel “emial”' });
  await alert.waitFor();
  assert.equal(await page.locator('ol.cards > li').count(), 0, 'no results of every channel');
  assert.equal(await page.getByLabel('Channel').inputValue(), 'emial');
  assert.match(page.url(), /&channel=emial$/);
  assert.equal(await page.locator('details.filter-panel > summary').innerText(), 'Filters · 1 set');
  await checkAccessibility(page, 'the search page with an unknown channel');
  await alert.getByRole('button', { name: 'Email', exact: true }).click();
  await page.locator('ol.cards > li').first().locator('h3').filter({ hasText: expectedFirst }).waitFor();
  const channels = await page.locator('ol.cards .chip').filter({ hasText: /^channel / }).allTextContents();
  assert.deepEqual([...new Set(channels)], ['channel email']);
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.match(page.url(), /&channel=email$/);
  // A metric nothing is close to: said so, with nothing to pick.
  await page.goto(`${server.url}/#/?q=${encodeURIComponent(searchPhrase)}&metric=zzzzzzzz`);
  await page.getByRole('alert').filter({ hasText: 'There is no metric “zzzzzzzz”' })
    .filter({ hasText: 'no Metric key is close to it' }).waitFor();
  assert.equal(await page.getByRole('alert').getByRole('button').count(), 0);
  assert.equal(await page.locator('ol.cards > li').count(), 0);
  assert.equal(await page.getByLabel('Metric').inputValue(), 'zzzzzzzz');
  // An address with a filter and no text: an unknown key is said at once (it was said only once
  // text was typed), with its suggestions; a known one asks nothing.
  await page.goto(`${server.url}/#/?segment=smbb`);
  await page.getByRole('alert').filter({ hasText: 'There is no segment “smbb”' }).waitFor();
  assert.ok(await page.getByRole('alert').getByRole('button').count() > 0, 'closest segments offered');
  assert.equal(await page.locator('ol.cards > li').count(), 0);
  await page.goto(`${server.url}/#/?channel=email`);
  await page.getByRole('status').filter({ hasText: 'Type what you want to test' }).waitFor();
  assert.equal(await page.getByRole('alert').count(), 0);
  await page.context().close();
});

test('an experiment page shows its forest plot, variants, learnings and graph', async () => {
  const page = await signedInPage();
  await page.goto(`${server.url}/#/?q=${encodeURIComponent(searchPhrase)}`);
  await page.locator('ol.cards > li').first().locator('h3 a').click();
  await page.getByRole('heading', { level: 1, name: expectedFirst }).waitFor();
  const plot = page.locator('.forest-plot canvas');
  await plot.waitFor();
  const box = await plot.boundingBox();
  assert.ok(box.width > 200 && box.height > 50, 'the forest plot is drawn');
  const rows = await page.locator('.forest-plot tbody tr').count();
  assert.ok(rows >= 1, 'one row per result');
  assert.match(await page.locator('.forest-plot tbody').innerText(), /%/);
  await page.getByRole('heading', { name: 'Variants' }).waitFor();
  assert.ok(await page.locator('section[aria-label=Variants] tbody tr').count() >= 2);
  assert.ok(await page.locator('section[aria-label=Learnings] li').count() >= 1);
  assert.ok(await page.evaluate(() => document.querySelector('.graph-canvas canvas') !== null), 'the graph is drawn');
  await shot(page, 'experiment', true);
  await page.locator('section[aria-label=Neighbourhood]').screenshot({ path: join(screenshots, 'experiment-graph.png') });
  await checkAccessibility(page, 'the experiment page');
  await page.context().close();
});

test('the plan form shows similar tests, patterns and a forecast per candidate', async () => {
  assert.ok(await modelTrained, 'the forecast model was trained within 5 minutes');
  const page = await signedInPage();
  await page.goto(`${server.url}/#/plan`);
  await page.getByLabel('Hypothesis').fill('Headlines that ask a question get more clicks');
  if (upworthyLoaded) {
    await page.locator('select[name=channel] option[value=upworthy_web]').waitFor({ state: 'attached' });
    await page.getByLabel('Channel').selectOption('upworthy_web');
    await page.getByLabel('Metric').selectOption('ctr');
  }
  const texts = ['Why Are So Many Teachers Quitting?', 'Teachers Are Quitting. Here Is What They Told Us.'];
  const candidates = page.locator('fieldset.candidate');
  for (let i = 0; i < texts.length; i += 1) {
    await candidates.nth(i).getByLabel(/^Text/).fill(texts[i]);
  }
  await page.getByRole('button', { name: 'Show similar tests and forecast' }).click();
  const forecast = page.locator('ol.forecast > li');
  await forecast.first().waitFor({ timeout: 90000 });
  assert.equal(await forecast.count(), 2);
  const pBest = await page.locator('.p-best').allTextContents();
  assert.equal(pBest.length, 2);
  for (const text of pBest) assert.match(text, /^\d+%$/);
  // The numbers say what they are, and the features are words, not the model's codes.
  const card = await forecast.first().innerText();
  assert.match(card, /chance to be the best of these 2/);
  assert.match(card, /expected lift against the mean of these candidates/);
  assert.match(card, /pushed (up|down) by /);
  assert.doesNotMatch(card, /\b(w|b|h|p|e|first2?|last|kind|tag):\S|\|/, 'feature codes shown');
  assert.ok(await page.locator('section[aria-label="Similar past tests"] ol.cards > li').count() >= 1);
  await shot(page, 'plan');
  await page.locator('section[aria-label=Forecast]').screenshot({ path: join(screenshots, 'plan-forecast.png') });
  await checkAccessibility(page, 'the plan page');

  // Save as a Hypothesis inspired by the first learning offered.
  const learning = page.locator('input[name=inspired-by]').first();
  const learningKey = await learning.getAttribute('value');
  await learning.check();
  await page.getByRole('button', { name: 'Save as hypothesis' }).click();
  const saved = await page.getByText(/Saved as Hypothesis HYP-[\d-]+/).textContent();
  const key = saved.match(/HYP-[\d-]+\d/)[0];
  const edges = await api(server.url, 'GET', `/v1/nodes/Hypothesis/${key}/edges?direction=out&type=INSPIRED_BY`);
  assert.deepEqual(edges.edges.map((e) => e.to), [`Learning/${learningKey}`]);
  await page.context().close();
});

// Two drafts saved in the same second got the same key, HYP-<time to the second>, and the
// second save overwrote the first hypothesis (a batch with an existing key updates it).
test('two drafts saved in the same second are two hypotheses', async () => {
  const page = await signedInPage();
  await page.clock.setFixedTime(new Date('2026-03-02T10:20:30Z'));
  const keys = [];
  for (const statement of ['Free returns raise first orders', 'Free returns lower the return rate']) {
    await page.goto(`${server.url}/#/plan`);
    await page.reload();  // a fresh form the second time too
    await page.getByLabel('Hypothesis').fill(statement);
    await page.getByRole('button', { name: 'Show similar tests and forecast' }).click();
    await page.getByRole('button', { name: 'Save as hypothesis' }).click();
    const saved = await page.getByText(/Saved as Hypothesis HYP-[\d-]+/).textContent();
    keys.push(saved.match(/HYP-[\d-]+\d/)[0]);
  }
  assert.notEqual(keys[0], keys[1]);
  for (const [i, statement] of ['Free returns raise first orders', 'Free returns lower the return rate'].entries()) {
    const node = await api(server.url, 'GET', `/v1/nodes/Hypothesis/${keys[i]}`);
    assert.equal(node.properties.statement, statement);
  }
  await page.context().close();
});

// The demo has one SMS test: too few for patterns of their own, so the server mines a broader
// context and says so; the plan page captioned them "of this context" all the same.
test('the plan page says when its patterns come from a broader context than the draft’s', async () => {
  const answer = await api(server.url, 'GET', '/v1/patterns?limit=8&channel=sms');
  assert.ok(answer.fallback && answer.message && answer.patterns.length, 'the SMS context falls back');
  const page = await signedInPage();
  await page.goto(`${server.url}/#/plan`);
  await page.getByLabel('Hypothesis').fill('A personalised offer wins back lapsed buyers');
  await page.locator('select[name=channel] option[value=sms]').waitFor({ state: 'attached' });
  await page.getByLabel('Channel').selectOption('sms');
  for (const text of await page.getByLabel(/^Text/).all()) await text.fill('');
  await page.getByRole('button', { name: 'Show similar tests and forecast' }).click();
  const section = page.locator('section[aria-label="Patterns that apply"]');
  await section.locator('table').waitFor();
  assert.equal(await section.getByRole('status').innerText(), answer.message);
  assert.equal(await section.locator('caption').innerText(), 'Patterns in concluded tests of a broader context than this draft’s');
  assert.equal(await section.locator('tbody tr').count(), answer.patterns.length);
  await page.context().close();
});

test('the patterns page draws mined patterns as a forest plot and opens the tests behind one', async () => {
  const page = await signedInPage();
  await page.goto(`${server.url}/#/patterns`);
  const rows = page.locator('.forest-plot tbody tr');
  await rows.first().waitFor();
  // The page shows what the API mines, in its order: labels, pooled lifts, tests.
  const mined = await api(server.url, 'GET', '/v1/patterns?limit=20&experiments=20&min_tests=3');
  assert.ok(mined.patterns.length >= 1, 'the data has patterns');
  assert.equal(await rows.count(), mined.patterns.length);
  const firstRow = await rows.first().locator('th, td').allInnerTexts();
  assert.equal(firstRow[0], mined.patterns[0].label);
  assert.match(firstRow[1], /%$/);
  assert.match(firstRow[4], /^\d+%$|^—$/, 'I²');
  assert.equal(firstRow[6], `${mined.patterns[0].tests} tests`);
  const plot = await page.locator('.forest-plot canvas').first().boundingBox();
  assert.ok(plot.width > 200 && plot.height > 50, 'the forest plot is drawn');
  await shot(page, 'patterns', true);
  await checkAccessibility(page, 'the patterns page');

  // A filter narrows the context and goes into the address.
  if (upworthyLoaded) {
    await page.locator('select[name=channel] option[value=upworthy_web]').waitFor({ state: 'attached' });
    await page.getByLabel('Channel').selectOption('upworthy_web');
    await page.getByText(/patterns? in channel upworthy_web/).waitFor();
    assert.match(page.url(), /#\/patterns\?channel=upworthy_web/);
    const filtered = await api(server.url, 'GET', '/v1/patterns?limit=20&experiments=20&min_tests=3&channel=upworthy_web');
    assert.equal(await rows.count(), filtered.patterns.length);
    assert.equal(await rows.first().locator('th').innerText(), filtered.patterns[0].label);
  }

  // The tests behind the first pattern: a forest plot of its listed tests, each a link.
  await rows.first().getByRole('button', { name: /^Open the \d+ tests behind/ }).click();
  const panel = page.locator('section[aria-label="Tests behind the pattern"]');
  await panel.locator('.forest-plot tbody tr').first().waitFor();
  const shown = await api(server.url, 'GET', `/v1/patterns?limit=20&experiments=20&min_tests=3${upworthyLoaded ? '&channel=upworthy_web' : ''}`);
  const pattern = shown.patterns[0];
  assert.equal(await panel.locator('.forest-plot tbody tr').count(), pattern.experiments.length);
  assert.ok((await panel.locator('h2').innerText()).includes(pattern.label));
  await panel.screenshot({ path: join(screenshots, 'pattern-tests.png') });
  await checkAccessibility(page, 'the tests behind a pattern');
  const link = panel.locator('.forest-plot tbody tr').first().locator('a');
  assert.equal(await link.getAttribute('href'), `#/experiment/${encodeURIComponent(pattern.experiments[0].key)}`);
  await link.click();
  await page.getByRole('heading', { name: 'Results' }).waitFor();
  await page.context().close();
});

// As on the search page: an address naming an unknown channel, segment or metric showed the
// patterns of every context under "Any channel" without a word. The server answers for the
// first unknown key it finds (channel, then segment, then metric): each is said in turn.
test('the patterns page says a channel or segment in the address is unknown and suggests the closest', async () => {
  const page = await signedInPage();
  await page.goto(`${server.url}/#/patterns?channel=emial&segment=smbb`);
  const channelAlert = page.getByRole('alert').filter({ hasText: 'There is no channel “emial”' });
  await channelAlert.waitFor();
  assert.equal(await page.locator('.forest-plot').count(), 0, 'no patterns of every context');
  assert.equal(await page.getByLabel('Channel').inputValue(), 'emial');
  assert.equal(await page.getByLabel('Segment').inputValue(), 'smbb');
  assert.match(page.url(), /#\/patterns\?channel=emial&segment=smbb$/);
  await checkAccessibility(page, 'the patterns page with an unknown channel');
  await channelAlert.getByRole('button', { name: 'Email', exact: true }).click();
  const segmentAlert = page.getByRole('alert').filter({ hasText: 'There is no segment “smbb”' });
  await segmentAlert.waitFor();
  assert.deepEqual(await segmentAlert.getByRole('button').allInnerTexts(), ['Small business', 'New small business']);
  assert.equal(await page.locator('.forest-plot').count(), 0);
  assert.match(page.url(), /#\/patterns\?channel=email&segment=smbb$/);
  await segmentAlert.getByRole('button', { name: 'Small business', exact: true }).click();
  const rows = page.locator('.forest-plot tbody tr');
  await rows.first().waitFor();
  const mined = await api(server.url, 'GET', '/v1/patterns?limit=20&experiments=20&min_tests=3&channel=email&segment=smb');
  assert.equal(await rows.count(), mined.patterns.length);
  assert.equal(await rows.first().locator('th').innerText(), mined.patterns[0].label);
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.match(page.url(), /#\/patterns\?channel=email&segment=smb$/);
  // A metric nothing is close to: said so, with nothing to pick.
  await page.goto(`${server.url}/#/patterns?metric=zzzzzzzz`);
  await page.getByRole('alert').filter({ hasText: 'There is no metric “zzzzzzzz”' })
    .filter({ hasText: 'no Metric key is close to it' }).waitFor();
  assert.equal(await page.getByRole('alert').getByRole('button').count(), 0);
  assert.equal(await page.locator('.forest-plot').count(), 0);
  await page.context().close();
});

test('the program page charts learning velocity, filtered by team and dates', async () => {
  const page = await signedInPage();
  await page.goto(`${server.url}/#/program`);
  const figuresList = page.getByRole('list', { name: 'Program figures' });
  await figuresList.waitFor();
  const all = await api(server.url, 'GET', '/v1/stats/program');
  const concludedFigure = () => figuresList.locator('li', { hasText: 'experiments concluded' }).locator('.value').innerText();
  assert.equal(await concludedFigure(), String(all.concluded));
  assert.equal(await figuresList.locator('li', { hasText: 'experiments started' }).locator('.value').innerText(), String(all.started));
  // Three charts: counts; win rate and learning share; days from approval to decision (the
  // demo's hypotheses carry approved_on, so the concluded demo experiments are timed).
  assert.ok(all.decisions_timed >= 5, `decisions timed: ${all.decisions_timed}`);
  assert.equal(await page.locator('.month-chart canvas').count(), 3);
  // Every month from the first to the last with activity, quiet ones included.
  assert.equal(await page.locator('figure.month-figure').first().locator('tbody tr').count(),
    monthsFrom(all.months[0].month, all.months[all.months.length - 1].month).length);
  const daysFigure = await figuresList.locator('li', { hasText: 'median days from approval to decision' }).locator('.value').innerText();
  assert.equal(daysFigure, `${Math.round(all.median_days_approval_to_decision * 10) / 10} d`);
  assert.equal(await page.getByText(/nothing to chart/).count(), 0);
  await shot(page, 'program', true);
  await checkAccessibility(page, 'the program page');

  // By team: the demo's CRM team.
  await page.getByLabel('Team').selectOption('crm');
  const crm = await api(server.url, 'GET', '/v1/stats/program?team=crm');
  await page.waitForFunction((n) => [...document.querySelectorAll('.figures li')].some((li) =>
    li.textContent.includes('experiments concluded') && li.querySelector('.value').textContent === String(n)), crm.concluded);
  assert.ok(crm.concluded < all.concluded || !upworthyLoaded);
  assert.match(page.url(), /#\/program\?team=crm/);
  // And a date range.
  await page.getByLabel('From', { exact: true }).fill('2024-02-01');
  await page.getByLabel('To', { exact: true }).fill('2024-03-31');
  const range = await api(server.url, 'GET', '/v1/stats/program?team=crm&from=2024-02-01&to=2024-03-31');
  // The axis covers the chosen range, months without activity included.
  await page.waitForFunction((months) => {
    const rows = document.querySelectorAll('figure.month-figure:first-of-type tbody tr');
    return rows.length === months.length && [...rows].every((row, i) => row.querySelector('th').textContent === months[i]);
  }, ['2024-02', '2024-03']);
  assert.ok(range.months.every((m) => ['2024-02', '2024-03'].includes(m.month)));
  assert.equal(await concludedFigure(), String(range.concluded));
  // From after to: the server's refusal, readably.
  await page.getByLabel('From', { exact: true }).fill('2024-05-01');
  await page.getByRole('alert').filter({ hasText: 'from must not be after to' }).waitFor();
  await page.context().close();
});

// An address naming a team that does not exist (a typo, a stale link) showed every team's
// figures under "Every team", without a word. Now the server's 422 is shown, with the closest
// teams as suggestions to pick from.
test('the program page says a team in the address is unknown and suggests the closest', async () => {
  const page = await signedInPage();
  await page.goto(`${server.url}/#/program?team=crn`);
  const alert = page.getByRole('alert').filter({ hasText: 'There is no team “crn”' });
  await alert.waitFor();
  assert.equal(await page.getByRole('list', { name: 'Program figures' }).count(), 0, 'no figures of every team');
  assert.equal(await page.getByLabel('Team').inputValue(), 'crn');
  assert.match(page.url(), /#\/program\?team=crn$/);
  await checkAccessibility(page, 'the program page with an unknown team');
  await alert.getByRole('button', { name: 'CRM & Lifecycle' }).click();
  const crm = await api(server.url, 'GET', '/v1/stats/program?team=crm');
  const figuresList = page.getByRole('list', { name: 'Program figures' });
  await figuresList.waitFor();
  assert.equal(await figuresList.locator('li', { hasText: 'experiments concluded' }).locator('.value').innerText(), String(crm.concluded));
  assert.match(page.url(), /#\/program\?team=crm$/);
  // A name nothing is close to: said so, with nothing to pick.
  await page.goto(`${server.url}/#/program?team=zzzzzzzz`);
  await page.getByRole('alert').filter({ hasText: 'no Team key is close to it' }).waitFor();
  assert.equal(await page.getByRole('alert').getByRole('button').count(), 0);
  assert.equal(await page.getByRole('list', { name: 'Program figures' }).count(), 0);
  await page.context().close();
});

// A team whose experiments started in January and April: February and March had none.
const quietTeam = {
  nodes: [
    { type: 'Team', key: 'quiet-months', properties: { name: 'Quiet months' } },
    { type: 'Experiment', key: 'EXP-QUIET-1', properties: { name: 'January test', status: 'running', started_at: '2023-01-10' } },
    { type: 'Experiment', key: 'EXP-QUIET-2', properties: { name: 'April test', status: 'concluded', decision: 'ship', started_at: '2023-04-03', decided_on: '2023-04-24' } },
  ],
  edges: [
    { type: 'OWNED_BY', from: 'Experiment/EXP-QUIET-1', to: 'Team/quiet-months' },
    { type: 'OWNED_BY', from: 'Experiment/EXP-QUIET-2', to: 'Team/quiet-months' },
  ],
};

test('the program charts have every month on their axis, a month without tests at zero', async () => {
  await api(server.url, 'POST', '/v1/batch', quietTeam);
  const answer = await api(server.url, 'GET', '/v1/stats/program?team=quiet-months');
  assert.deepEqual(answer.months.map((m) => m.month), ['2023-01', '2023-04'], 'the server lists active months only');
  const page = await signedInPage();
  await page.goto(`${server.url}/#/program?team=quiet-months`);
  await page.locator('.month-chart canvas').first().waitFor();
  const drawn = await page.evaluate(() => [...document.querySelectorAll('figure.month-figure')].map((figure) => ({
    labels: figure.chart.data.labels,
    data: figure.chart.data.datasets.map((d) => d.data),
    rows: [...figure.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((cell) => cell.textContent)),
  })));
  const months = ['2023-01', '2023-02', '2023-03', '2023-04'];
  assert.deepEqual(drawn[0].labels, months);
  assert.deepEqual(drawn[0].data, [[1, 0, 0, 1], [0, 0, 0, 1]], 'started and concluded per month');
  assert.deepEqual(drawn[0].rows.map((row) => row[1]), ['1', '0', '0', '1']);
  // Rates have no value in a month where nothing concluded: a gap, not a 0%.
  assert.deepEqual(drawn[1].labels, months);
  assert.deepEqual(drawn[1].data[0], [null, null, null, 1], 'win rate');
  assert.deepEqual(drawn[1].rows.map((row) => row[1]), ['—', '—', '—', '100%']);
  // A chosen range is the axis, from its first month (up to now).
  await page.getByLabel('From', { exact: true }).fill('2022-11-15');
  await page.waitForFunction(() => document.querySelector('figure.month-figure')?.chart.data.labels[0] === '2022-11');
  assert.equal(await page.evaluate(() => document.querySelector('figure.month-figure').chart.data.labels.length), 6);
  await page.context().close();
});

test('a 422 from a governance gate is shown as a readable message', async () => {
  const page = await signedInPage();
  // EXP-2046 is running and has no result: concluding it is refused.
  await page.goto(`${server.url}/#/experiment/EXP-2046`);
  await page.locator('select[name=status]').selectOption('concluded');
  await page.locator('select[name=decision]').selectOption('ship');
  await page.getByRole('button', { name: 'Save status' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const text = await alert.innerText();
  assert.match(text, /The status was not changed/);
  assert.match(text, /HTTP 422/);
  assert.match(text, /result/i, 'the server’s reason (no result) is shown');
  assert.match(text, /nothing was changed/);
  const node = await api(server.url, 'GET', '/v1/nodes/Experiment/EXP-2046');
  assert.equal(node.properties.status, 'running');
  await alert.screenshot({ path: join(screenshots, 'governance-422.png') });
  await page.context().close();
});

// An experiment measured per segment (as the Hillstrom import writes them): one treatment on
// one metric in two segments, so only the segment tells its results apart. Its name and its
// learning hold markup, which must show as text.
const markupName = '<img src=x onerror="window.__injected=1">Segmented <b>offer</b> test';
const markupLearning = '<svg onload="window.__injected=2"></svg>Segmented offers won with smb';
const segmentedTest = {
  nodes: [
    { type: 'Experiment', key: 'EXP-SEG-1', properties: { name: markupName, status: 'running', kind: 'ab' } },
    { type: 'Variant', key: 'EXP-SEG-1-A', properties: { name: 'Control', is_control: true } },
    { type: 'Variant', key: 'EXP-SEG-1-B', properties: { name: 'Offer', is_control: false } },
    ...[['smb', 0.12, 0.02, 0.22], ['enterprise', -0.08, -0.15, -0.01]].map(([segment, lift, low, high]) => ({
      type: 'Result', key: `EXP-SEG-1-B-${segment}`,
      properties: { name: `Offer vs control on conversion in ${segment}`, lift, ci_low: low, ci_high: high, p_value: 0.01 } })),
    { type: 'Learning', key: 'EXP-SEG-1-L1', properties: { text: markupLearning, outcome: 'won' } },
  ],
  edges: [
    { type: 'HAS_VARIANT', from: 'Experiment/EXP-SEG-1', to: 'Variant/EXP-SEG-1-A' },
    { type: 'HAS_VARIANT', from: 'Experiment/EXP-SEG-1', to: 'Variant/EXP-SEG-1-B' },
    { type: 'RUNS_ON', from: 'Experiment/EXP-SEG-1', to: 'Channel/email' },
    { type: 'YIELDED', from: 'Experiment/EXP-SEG-1', to: 'Learning/EXP-SEG-1-L1' },
    ...['smb', 'enterprise'].flatMap((segment) => [
      { type: 'HAS_RESULT', from: 'Experiment/EXP-SEG-1', to: `Result/EXP-SEG-1-B-${segment}` },
      { type: 'FOR_VARIANT', from: `Result/EXP-SEG-1-B-${segment}`, to: 'Variant/EXP-SEG-1-B' },
      { type: 'ON_METRIC', from: `Result/EXP-SEG-1-B-${segment}`, to: 'Metric/conversion' },
      { type: 'IN_SEGMENT', from: `Result/EXP-SEG-1-B-${segment}`, to: `Segment/${segment}` },
    ]),
  ],
};
let segmentedLoaded = null;
const loadSegmentedTest = () => (segmentedLoaded ??= api(server.url, 'POST', '/v1/batch', segmentedTest));

test('an experiment measured per segment has a row per arm, metric and segment, each point on its row', async () => {
  await loadSegmentedTest();
  const page = await signedInPage();
  await page.goto(`${server.url}/#/experiment/EXP-SEG-1`);
  const rows = page.locator('.forest-plot tbody tr th');
  await rows.first().waitFor();
  const names = await rows.allInnerTexts();
  assert.equal(names.length, 2);
  assert.equal(new Set(names).size, 2, `rows that read alike: ${names}`);
  for (const name of names) assert.match(name, /^Offer · conversion · segment /);
  // The estimate of each row is drawn on that row, not on the first row of the same name.
  const drawn = await page.evaluate(() => {
    const chart = document.querySelector('.forest-plot').chart;
    return { labels: chart.data.labels, bars: chart.getDatasetMeta(0).data.map((bar) => bar.y),
      points: chart.getDatasetMeta(1).data.map((point) => point.y) };
  });
  assert.equal(new Set(drawn.labels).size, 2);
  drawn.points.forEach((y, i) => assert.ok(Math.abs(y - drawn.bars[i]) < 1, `point ${i} at ${y}, its row at ${drawn.bars[i]}`));
  await page.context().close();
});

test('stored text with markup shows as text on the search and experiment pages', async () => {
  await loadSegmentedTest();
  const page = await signedInPage();
  await page.goto(`${server.url}/#/?q=${encodeURIComponent('segmented offers won with smb')}`);
  await page.locator('ol.cards h3', { hasText: 'Segmented' }).first().waitFor();
  assert.equal(await page.locator('ol.cards h3', { hasText: 'Segmented' }).first().textContent(), markupName);
  await page.locator('ul.learnings li', { hasText: 'Segmented offers' }).first().waitFor();
  await page.goto(`${server.url}/#/experiment/EXP-SEG-1`);
  await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Segmented' }).waitFor();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), markupName);
  assert.ok((await page.locator('section[aria-label=Learnings] li').textContent()).includes(markupLearning));
  assert.equal(await page.locator('main img, main b, main svg[onload]').count(), 0, 'no element made from the stored text');
  assert.equal(await page.evaluate(() => window.__injected), undefined, 'no stored handler ran');
  await page.context().close();
});

// An experiment with many arms, each with a result: 241 nodes two hops out (like the 239 around
// the Hillstrom test), which the graph drew for seconds while the page waited.
const wideTest = (arms) => ({
  nodes: [{ type: 'Experiment', key: 'EXP-WIDE-1', properties: { name: 'Many-armed subject line test', status: 'running', kind: 'multivariate' } },
    ...Array.from({ length: arms }, (_, i) => [
      { type: 'Variant', key: `EXP-WIDE-1-${i}`, properties: { name: `Arm ${i}`, is_control: i === 0 } },
      { type: 'Result', key: `EXP-WIDE-1-${i}-r`, properties: { name: `Arm ${i} on conversion`, lift: (i % 9 - 4) / 100, ci_low: (i % 9 - 6) / 100, ci_high: (i % 9 - 2) / 100 } },
    ]).flat()],
  edges: Array.from({ length: arms }, (_, i) => [
    { type: 'HAS_VARIANT', from: 'Experiment/EXP-WIDE-1', to: `Variant/EXP-WIDE-1-${i}` },
    { type: 'HAS_RESULT', from: 'Experiment/EXP-WIDE-1', to: `Result/EXP-WIDE-1-${i}-r` },
    { type: 'FOR_VARIANT', from: `Result/EXP-WIDE-1-${i}-r`, to: `Variant/EXP-WIDE-1-${i}` },
    { type: 'ON_METRIC', from: `Result/EXP-WIDE-1-${i}-r`, to: 'Metric/conversion' },
  ]).flat(),
});

test('an experiment with a large neighbourhood draws its nearest 100 nodes, after its results', async () => {
  await api(server.url, 'POST', '/v1/batch', wideTest(120));
  const page = await signedInPage();
  await page.goto(`${server.url}/#/experiment/EXP-WIDE-1`);
  await page.locator('.forest-plot tbody tr').first().waitFor();
  assert.equal(await page.locator('.forest-plot tbody tr').count(), 120);
  const note = page.locator('section[aria-label=Neighbourhood] p.muted');
  await note.filter({ hasText: 'the 100 nearest of 242 nodes' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.graph-list li').length > 0);
  assert.equal(await page.locator('.graph-list li').count(), 100);
  // The experiment and every node one hop out are among them.
  const listed = await page.locator('.graph-list li').allTextContents();
  assert.ok(listed.includes('Experiment: Many-armed subject line test'));
  assert.equal(listed.filter((text) => text.startsWith('Result: ')).length + listed.filter((text) => text.startsWith('Variant: ')).length, 99);
  await page.context().close();
});

test('a search address opened from the search page runs that search', async () => {
  const page = await signedInPage();
  await page.goto(`${server.url}/`);
  await page.getByLabel('Search hypotheses, learnings, experiments and headlines').waitFor();
  // A link or a pasted address while the search page is open.
  await page.evaluate((phrase) => { location.hash = `#/?q=${encodeURIComponent(phrase)}`; }, searchPhrase);
  await page.locator('ol.cards > li').first().locator('h3').filter({ hasText: expectedFirst }).waitFor({ timeout: 5000 });
  assert.equal(await page.getByLabel('Search hypotheses, learnings, experiments and headlines').inputValue(), searchPhrase);
  await page.context().close();
});

test('every page fits a phone-sized screen without sideways scrolling', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
  await context.addInitScript((value) => sessionStorage.setItem('expgraph.key', value), adminKey);
  const page = await context.newPage();
  page.on('pageerror', (error) => { throw error; });
  const pages = [[`/?q=${encodeURIComponent(searchPhrase)}`, 'ol.cards > li'], ['/experiment/EXP-2041', '.forest-plot tbody tr'],
    ['/plan', 'fieldset.candidate'], ['/patterns', '.forest-plot tbody tr'], ['/program', '.month-chart canvas'],
    ['/explore', '.graph-list li']];
  for (const [path, ready] of pages) {
    await page.goto(`${server.url}/#${path}`);
    await page.locator(ready).first().waitFor({ state: 'attached' });
    const fit = await page.evaluate(() => {
      const last = [...document.querySelectorAll('#nav a, #session')].map((e) => e.getBoundingClientRect().right);
      return { page: document.documentElement.scrollWidth, header: Math.max(...last), width: window.innerWidth };
    });
    assert.ok(fit.page <= fit.width, `${path}: the page is ${fit.page} px wide on a ${fit.width} px screen`);
    assert.ok(fit.header <= fit.width, `${path}: the header runs to ${fit.header} px`);
  }
  await context.close();
});

// On a phone (390 x 844 CSS pixels, an iPhone 12 to 15) the six search filters stacked one a row
// and pushed the first result below the fold.
test('on a phone the search filters fold away and the first result shows without scrolling', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await context.addInitScript((value) => sessionStorage.setItem('expgraph.key', value), adminKey);
  const page = await context.newPage();
  page.on('pageerror', (error) => { throw error; });
  await page.goto(`${server.url}/#/?q=${encodeURIComponent(searchPhrase)}`);
  const first = page.locator('ol.cards > li').first();
  await first.locator('h3').filter({ hasText: expectedFirst }).waitFor({ timeout: 5000 });
  await page.locator('select[name=channel]').waitFor({ state: 'attached' });
  // The title, the chips and the lift of the first result are on the first screen.
  const seen = await page.evaluate(() => {
    const card = document.querySelector('ol.cards > li');
    return { bottom: card.querySelector('.result-row').getBoundingClientRect().bottom, height: window.innerHeight, scrolled: window.scrollY };
  });
  assert.equal(seen.scrolled, 0);
  assert.ok(seen.bottom <= seen.height, `the first result's lift ends at ${Math.round(seen.bottom)} px on a ${seen.height} px screen`);
  await shot(page, 'search-phone');
  // The six filters are one tap away, and the fold says how many are set.
  const summary = page.locator('details.filter-panel > summary');
  assert.equal(await summary.innerText(), 'Filters');
  assert.equal(await page.getByLabel('Channel').isVisible(), false);
  await summary.click();
  for (const label of ['Type', 'Channel', 'Segment (and its subsegments)', 'Metric', 'Outcome', 'Started since']) {
    assert.ok(await page.getByLabel(label, { exact: true }).isVisible(), `${label} is shown`);
  }
  await page.getByLabel('Outcome').selectOption('won');
  await page.waitForFunction(() => document.querySelector('details.filter-panel > summary').textContent === 'Filters · 1 set');
  await checkAccessibility(page, 'the search page on a phone');
  await context.close();
});

test('sign-in with a reader key: the UI hides what writes', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // The page learns a key's role from GET /v1/auth/me alone, not by trying routes of each role.
  const asked = [];
  page.on('request', (request) => asked.push(`${request.method()} ${new URL(request.url()).pathname}`));
  await page.goto(`${server.url}/`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await checkAccessibility(page, 'the sign-in page');
  await page.getByLabel('API key').fill('egk_not_a_key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That key was not accepted').waitFor();
  await page.getByLabel('API key').fill(readerKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('signed in as browser-reader · reader').waitFor();
  assert.ok(asked.includes('GET /v1/auth/me'), `sign-in asked ${asked}`);
  const probes = asked.filter((line) => line.includes('/v1/admin/') || line === 'POST /v1/batch');
  assert.deepEqual(probes, [], 'no role probes while signing in');
  await page.goto(`${server.url}/#/experiment/EXP-2046`);
  await page.getByRole('heading', { level: 1 }).filter({ hasText: 'countdown' }).waitFor();
  await page.getByRole('heading', { name: 'Timeline' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Save status' }).count(), 0);
  await page.goto(`${server.url}/#/plan`);
  await page.getByLabel('Hypothesis').fill('Countdown timers raise conversion');
  await page.getByRole('button', { name: 'Show similar tests and forecast' }).click();
  await page.getByText('Sign in with a writer key to save the draft as a hypothesis.').waitFor({ timeout: 90000 });
  assert.equal(await page.getByRole('button', { name: 'Save as hypothesis' }).count(), 0);
  await context.close();
});

test('the graph explorer expands a node and the console shows rows, plans and errors', async () => {
  const page = await signedInPage();
  await page.goto(`${server.url}/#/explore?node=${encodeURIComponent('Experiment/EXP-2041')}`);
  await page.locator('.graph-list li').first().waitFor({ state: 'attached' });
  await page.getByText('Nodes as a list').click();
  const before = await page.locator('.graph-list li').count();
  await page.locator('.graph-list button', { hasText: /^Channel: Email/ }).first().click();
  await page.waitForFunction((n) => document.querySelectorAll('.graph-list li').length > n, before);
  await page.getByRole('button', { name: 'Run' }).click();
  await page.locator('.query-output table tbody tr').first().waitFor();
  await page.getByRole('button', { name: 'Explain' }).click();
  await page.locator('ol.plan li').first().waitFor();
  await page.locator('textarea[name=cypher]').fill('MATCH (e:Experiment)\nRETURN e.name LIMT 3');
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByText('at line 2, column 15 (marked in the editor)').waitFor();
  await shot(page, 'explore');
  await checkAccessibility(page, 'the explorer');
  await page.context().close();
});

// Last, so that its many segments are in no other test's menus: the filters offered the first
// 200 nodes of a type only, so a program's 201st segment could not be chosen anywhere.
test('the filters offer every segment, beyond the first page of nodes', async () => {
  const segments = Array.from({ length: 620 }, (_, i) => ({
    type: 'Segment', key: `zz-cohort-${String(i).padStart(3, '0')}`, properties: { name: `Cohort ${i}` } }));
  await api(server.url, 'POST', '/v1/batch', { nodes: segments });
  const all = await api(server.url, 'GET', '/v1/nodes/Segment?limit=10000');
  const page = await signedInPage();
  for (const path of ['/', '/plan', '/patterns']) {
    await page.goto(`${server.url}/#${path}`);
    await page.reload();  // a new document: no menu of the page before is still there
    // Every segment and "any".
    await page.waitForFunction((n) => {
      const menus = document.querySelectorAll('select[name=segment]');
      return menus.length === 1 && menus[0].options.length === n;
    }, all.nodes.length + 1, { timeout: 10000 });
  }
  await page.context().close();
});
