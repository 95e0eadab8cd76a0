/** Text made safe to put inside HTML: element text and quoted attribute values (Out[n] tables, figures, SVG labels, the site index). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
