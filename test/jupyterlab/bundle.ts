/**
 * Bundles the JupyterLab test page (page.ts) with esbuild into `outDir`:
 * index.html, page.js, page.css. jupyterlab-plotly's renderer loads plotly.js
 * with `import("plotly.js/dist/plotly")`; package.json's overrides install
 * plotly.js-dist-min 2.35.3 under the name plotly.js (the build plotly's
 * extension ships, without plotly.js's sources), so that import goes to its main file.
 */
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";

const HERE = __dirname;

const jupyterlabPaths: esbuild.Plugin = {
  name: "jupyterlab-paths",
  setup(build) {
    // JupyterLab's style sheets import each other webpack-style: url('~@scope/pkg/style/index.css').
    build.onResolve({ filter: /^~/ }, (args) => ({ path: require.resolve(args.path.slice(1), { paths: [args.resolveDir] }) }));
    build.onResolve({ filter: /^plotly\.js\/dist\/plotly$/ }, () => ({
      path: require.resolve("plotly.js", { paths: [path.dirname(require.resolve("jupyterlab-plotly/package.json"))] }),
    }));
  },
};

export async function buildPage(outDir: string): Promise<string> {
  fs.mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: { page: path.join(HERE, "page.ts") },
    outdir: outDir,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "chrome110",
    minify: false,
    sourcemap: false,
    logLevel: "warning",
    define: { "process.env.NODE_ENV": '"production"' },
    loader: { ".svg": "dataurl", ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".png": "dataurl", ".gif": "dataurl" },
    plugins: [jupyterlabPaths],
  });
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>nn-labs in JupyterLab's output areas</title>
<link rel="stylesheet" href="page.css">
<style>
  body { font-family: sans-serif; margin: 8px; background: #fff; }
  #columns { display: flex; gap: 12px; }
  .column { flex: 1 1 50%; min-width: 0; }
  .column h2 { font-size: 14px; }
  .cell { border-top: 1px solid #ddd; padding: 4px 0; }
  .source { font-size: 10px; color: #555; max-height: 5em; overflow: hidden; margin: 0; }
</style></head>
<body><h1 id="title" style="font-size:16px"></h1><div id="columns"></div>
<script src="page.js"></script></body></html>
`;
  fs.writeFileSync(path.join(outDir, "index.html"), html);
  return outDir;
}

if (require.main === module) {
  const out = path.resolve(process.argv[2] ?? path.join(HERE, "..", "..", "build", "jupyterlab", "page"));
  buildPage(out).then(
    (dir) => console.log(`JupyterLab test page: ${dir}`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
