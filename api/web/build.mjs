// Bundles the web UI with esbuild: src/main.js (and the CSS it imports) into OUT/assets/ with a
// hash of the content in each file name, and OUT/index.html from src/index.html naming them.
// expgraphd serves OUT at / (api/routes/web_routes.h). Run by the build (CMakeLists.txt here):
//   node build.mjs --modules BUILD/web-npm/node_modules --out BUILD/web
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
function option(name) {
  const at = args.indexOf(name);
  if (at < 0 || at + 1 >= args.length) {
    console.error(`build.mjs: ${name} DIR is required`);
    process.exit(2);
  }
  return resolve(args[at + 1]);
}
const modules = option('--modules');
const out = option('--out');

// The packages are installed in the build tree, not beside the sources.
const esbuild = createRequire(join(modules, 'noop.js'))('esbuild');

const assets = join(out, 'assets');
// Old bundles go: every name is new when its content is.
rmSync(assets, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await esbuild.build({
  entryPoints: [join(here, 'src', 'main.js')],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  target: ['es2020'],
  outdir: assets,
  // The graph and chart libraries load with the pages that use them, so the home page's
  // script stays small.
  splitting: true,
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  nodePaths: [modules],
  metafile: true,
  logLevel: 'warning',
  legalComments: 'linked',
});

const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const script = outputs.find((name) => name.startsWith('main-') && name.endsWith('.js'));
const style = outputs.find((name) => name.endsWith('.css'));
if (!script || !style) {
  console.error('build.mjs: esbuild produced no script or no style sheet:', outputs);
  process.exit(1);
}
const page = readFileSync(join(here, 'src', 'index.html'), 'utf8')
  .replace('%SCRIPT%', `/assets/${script}`)
  .replace('%STYLE%', `/assets/${style}`);
writeFileSync(join(out, 'index.html'), page);
const sizes = outputs.map((name) => `${name} ${readFileSync(join(assets, name)).length} B`);
console.log(`build.mjs: ${sizes.join(', ')}`);
