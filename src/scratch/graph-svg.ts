/**
 * A picture of an autograd computation graph as SVG (introduced in lab 03),
 * drawn without graphviz: a simple layered layout, inputs on the left and the
 * root on the right. Each box shows a node's label, value and gradient; a
 * circle in front of a box names the op that produced it.
 *
 * Show it in a notebook with `tslab.display.html(graphSvg(loss))`.
 */
import { Value } from "./value";
import { escapeHtml } from "../page/html";

export interface GraphSvgOptions {
  /** Refuse graphs larger than this (a picture of thousands of nodes says nothing). Default 200. */
  maxNodes?: number;
  /** Significant digits shown for data and grad. Default 4. */
  digits?: number;
  title?: string;
}

const BOX_W = 150, BOX_H = 40, OP_R = 14, COL_W = BOX_W + 3 * OP_R + 40, ROW_H = BOX_H + 22, PAD = 16;

function fmt(x: number, digits: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(digits))) : x.toExponential(digits - 1);
}


export interface GraphLayout {
  /** Column (0 = leaves) and row of every node. */
  position: Map<Value, { col: number; row: number }>;
  columns: Value[][];
}

/**
 * Layered layout: a node's column is the length of the longest path from a
 * leaf to it; within a column, nodes are sorted by the mean row of their
 * inputs (one barycenter sweep), which keeps most edges short.
 */
export function layoutGraph(root: Value): GraphLayout {
  const order = root.topologicalOrder();
  const col = new Map<Value, number>();
  for (const v of order) col.set(v, v.children.length ? 1 + Math.max(...v.children.map((c) => col.get(c) as number)) : 0);
  // Pull leaves right, next to their first use, so constants do not all pile up in column 0.
  const users = new Map<Value, Value[]>();
  for (const v of order) for (const c of v.children) users.set(c, [...(users.get(c) ?? []), v]);
  for (const v of order) {
    if (v.children.length === 0 && users.has(v)) col.set(v, Math.min(...(users.get(v) as Value[]).map((u) => col.get(u) as number)) - 1);
  }
  const nCols = Math.max(...col.values()) + 1;
  const columns: Value[][] = Array.from({ length: nCols }, () => []);
  for (const v of order) columns[col.get(v) as number].push(v);
  const row = new Map<Value, number>();
  columns.forEach((c) => c.sort((a, b) => a.id - b.id).forEach((v, i) => row.set(v, i)));
  for (let k = 1; k < nCols; k++) {
    const key = (v: Value) => (v.children.length ? v.children.reduce((s, c) => s + (row.get(c) as number), 0) / v.children.length : (row.get(v) as number));
    columns[k].sort((a, b) => key(a) - key(b) || a.id - b.id).forEach((v, i) => row.set(v, i));
  }
  // Leaves follow the mean row of their users.
  const leafKey = (v: Value) => {
    const u = users.get(v) ?? [];
    return u.length ? u.reduce((s, x) => s + (row.get(x) as number), 0) / u.length : (row.get(v) as number);
  };
  columns.forEach((c) => {
    if (c.every((v) => v.children.length === 0)) c.sort((a, b) => leafKey(a) - leafKey(b) || a.id - b.id).forEach((v, i) => row.set(v, i));
  });
  const position = new Map<Value, { col: number; row: number }>();
  for (const v of order) position.set(v, { col: col.get(v) as number, row: row.get(v) as number });
  return { position, columns };
}

/** The graph of `root` as an SVG string. */
export function graphSvg(root: Value, options: GraphSvgOptions = {}): string {
  const { maxNodes = 200, digits = 4, title } = options;
  const n = root.topologicalOrder().length;
  if (n > maxNodes) {
    throw new Error(`graphSvg: the graph has ${n} nodes, more than maxNodes=${maxNodes}; draw a smaller expression or raise maxNodes.`);
  }
  const { position, columns } = layoutGraph(root);
  const maxRows = Math.max(...columns.map((c) => c.length));
  const top = title ? 28 : 0;
  const width = PAD * 2 + columns.length * COL_W;
  const height = top + PAD * 2 + maxRows * ROW_H;
  // Columns with fewer nodes are centred vertically.
  const xy = (v: Value) => {
    const p = position.get(v) as { col: number; row: number };
    const offset = ((maxRows - columns[p.col].length) * ROW_H) / 2;
    return { x: PAD + p.col * COL_W + 2 * OP_R + 16, y: top + PAD + offset + p.row * ROW_H };
  };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  if (title) parts.push(`<text x="${PAD}" y="20" font-size="14" font-weight="bold">${escapeHtml(title)}</text>`);
  // Edges first, so boxes are drawn over them.
  for (const [v] of position) {
    if (!v.children.length) continue;
    const p = xy(v);
    const ox = p.x - OP_R - 10, oy = p.y + BOX_H / 2;
    parts.push(`<line x1="${ox + OP_R}" y1="${oy}" x2="${p.x}" y2="${oy}" stroke="#555"/>`);
    for (const c of new Set(v.children)) {
      const q = xy(c);
      const sx = q.x + BOX_W, sy = q.y + BOX_H / 2, mx = (sx + ox - OP_R) / 2;
      parts.push(`<path d="M${sx},${sy} C${mx},${sy} ${mx},${oy} ${ox - OP_R},${oy}" fill="none" stroke="#888"/>`);
    }
  }
  for (const [v] of position) {
    const p = xy(v);
    const isRoot = v === root;
    const fill = v.children.length === 0 ? "#e8f0fe" : isRoot ? "#fde8e8" : "#f5f5f5";
    parts.push(`<rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="5" fill="${fill}" stroke="#333"/>`);
    const name = v.label || (v.children.length ? "" : "const");
    parts.push(`<text x="${p.x + 6}" y="${p.y + 16}">${escapeHtml(name ? `${name} = ${fmt(v.data, digits)}` : fmt(v.data, digits))}</text>`);
    parts.push(`<text x="${p.x + 6}" y="${p.y + 32}" fill="#b00">grad ${fmt(v.grad, digits)}</text>`);
    if (v.children.length) {
      const ox = p.x - OP_R - 10, oy = p.y + BOX_H / 2;
      parts.push(`<circle cx="${ox}" cy="${oy}" r="${OP_R}" fill="#fff8dc" stroke="#333"/>`);
      parts.push(`<text x="${ox}" y="${oy + 4}" text-anchor="middle">${escapeHtml(v.op)}</text>`);
    }
  }
  parts.push("</svg>");
  return parts.join("\n");
}
