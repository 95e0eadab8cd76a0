/**
 * Fast mode (every lab). `LABS_FAST=1` shrinks data and epochs so the whole
 * suite runs in a few minutes on 2 cores; without it, labs run the real thing.
 */
export function isFast(): boolean {
  const v = process.env.LABS_FAST;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/** `fastOr(full, fast)`: the full-mode value, or the fast-mode one under LABS_FAST=1. */
export function fastOr<T>(full: T, fast: T): T {
  return isFast() ? fast : full;
}
