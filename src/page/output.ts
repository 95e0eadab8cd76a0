/**
 * Sending rich output to the notebook through tslab (every lab).
 *
 * tslab's public `display` API sends one MIME type per message; figures want
 * two (text/html for the page, text/plain for consoles and text exports), so we
 * call the kernel's own display writer, which tslab exposes once its kernel
 * runs. Outside a kernel (unit tests, scripts) nothing is displayed.
 */
import { randomBytes } from "crypto";

/** A MIME bundle: text for text types, JSON values for `application/…+json` ones. */
type Bundle = Record<string, unknown>;
type DisplayWriter = (msg: { data: Bundle; metadata: object; transient: { display_id?: string } }, update: boolean) => void;

function kernelWriter(): DisplayWriter | undefined {
  let resolved: string;
  try {
    resolved = require.resolve("tslab/dist/jupyter");
  } catch {
    return undefined;
  }
  // Only use the module if the running kernel already loaded it.
  const mod = require.cache[resolved]?.exports as { lastWriteDisplayData?: DisplayWriter | null } | undefined;
  return mod?.lastWriteDisplayData ?? undefined;
}

/** True when running inside a tslab kernel that can display rich output. */
export function inKernel(): boolean {
  return kernelWriter() !== undefined;
}

/** Displays a MIME bundle; returns false outside a kernel. */
export function displayBundle(data: Bundle, displayId?: string, update = false): boolean {
  const write = kernelWriter();
  if (!write) return false;
  write({ data, metadata: {}, transient: displayId ? { display_id: displayId } : {} }, update);
  return true;
}

/** A display that can be replaced in place (live training curves). */
export interface UpdatableDisplay {
  show(data: Bundle): void;
}

export function newUpdatableDisplay(): UpdatableDisplay {
  const id = randomBytes(8).toString("hex");
  let shown = false;
  return {
    show(data) {
      displayBundle(data, id, shown);
      shown = true;
    },
  };
}

const nonce = randomBytes(3).toString("hex");
let counter = 0;
/** A DOM id unique within a page, even across kernel restarts. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${nonce}-${counter}`;
}
