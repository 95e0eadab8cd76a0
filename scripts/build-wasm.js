// Assembles src/wasm/loops.wat (the training step's elementwise loops, in
// WebAssembly SIMD) into dist/wasm/loops.wasm with wabt. Part of `npm run build`.
const fs = require("fs");
const path = require("path");

const SRC = path.join(__dirname, "..", "src", "wasm", "loops.wat");
const OUT = path.join(__dirname, "..", "dist", "wasm", "loops.wasm");

/** The module's bytes, assembled from the .wat text (exported for the unit test that checks dist/ is current). */
async function assemble(src = SRC) {
  const wabt = await require("wabt")();
  const mod = wabt.parseWat(path.basename(src), fs.readFileSync(src, "utf8"), { simd: true });
  try {
    mod.validate();
    return Buffer.from(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

if (require.main === module) {
  assemble().then((bytes) => {
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, bytes);
    console.log(`build-wasm: wrote ${path.relative(process.cwd(), OUT)} (${bytes.length} bytes)`);
  }, (e) => {
    console.error(`build-wasm: could not assemble ${path.relative(process.cwd(), SRC)}: ${e.message}`);
    process.exit(1);
  });
}

module.exports = { assemble, SRC, OUT };
