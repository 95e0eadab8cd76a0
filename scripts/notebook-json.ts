/**
 * The notebook file as the scripts read and write it (nbformat 4 JSON), and the
 * two helpers every script needs: a cell's source as one string, and a string
 * back as Jupyter's list of lines.
 */
export interface Output { output_type: string; name?: string; text?: string | string[]; [key: string]: unknown }
export interface Cell {
  cell_type: string;
  id?: string;
  metadata: Record<string, any>;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
}
export interface Notebook { cells: Cell[]; metadata: Record<string, any>; nbformat: number; nbformat_minor: number }

/** A cell's source (a string or a list of lines) as one string. */
export const sourceOf = (cell: { source?: string | string[] }): string => (Array.isArray(cell.source) ? cell.source.join("") : cell.source ?? "");

/** Text as Jupyter's `source` list: one entry per line, each but the last ending in "\n", no empty last entry. */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((l, i) => (i < lines.length - 1 ? l + "\n" : l)).filter((l) => l !== "");
}
