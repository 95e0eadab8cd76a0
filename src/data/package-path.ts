import * as path from "path";

/** The folder of an installed npm package, or a clear error saying how to install it. */
export function packageDir(name: string, purpose: string): string {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new Error(`The npm package "${name}" (${purpose}) is not installed. Run the set-up script (bash scripts/setup.sh) or \`npm ci\` in the repository root.`);
  }
}
