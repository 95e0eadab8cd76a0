/**
 * Training kernels for the wasm backend (issue: CNN lab on wasm).
 * Placeholder until the kernels land: registers nothing yet.
 */
export function installWasmTrainingKernels(): void {
  // Filled in by the wasm training backend work.
}
