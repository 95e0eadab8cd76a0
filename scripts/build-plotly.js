// Minifies plotly.js-dist (11 MB, unminified) into dist/plotly.min.js (~5 MB),
// the copy that notebooks inline once each so that plots render offline.
// Part of `npm run build`. Falls back to the unminified file without esbuild.
const fs = require("fs");
const path = require("path");
const src = require.resolve("plotly.js-dist/plotly.js");
const out = path.join(__dirname, "..", "dist", "plotly.min.js");
fs.mkdirSync(path.dirname(out), { recursive: true });
if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs) process.exit(0);
let code = fs.readFileSync(src, "utf8");
try {
  code = require("esbuild").transformSync(code, { minify: true, legalComments: "eof", target: "es2018" }).code;
} catch (e) {
  console.warn(`build-plotly: esbuild unavailable (${e.message.split("\n")[0]}); inlining the unminified plotly.js`);
}
if (code.includes("</script")) throw new Error("plotly bundle contains '</script' and cannot be inlined in HTML");
fs.writeFileSync(out, code);
console.log(`build-plotly: wrote ${path.relative(process.cwd(), out)} (${(code.length / 1e6).toFixed(1)} MB)`);
