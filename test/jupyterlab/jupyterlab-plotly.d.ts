// jupyterlab-plotly ships JavaScript only; page.ts uses its mime renderer factory.
declare module "jupyterlab-plotly/lib/plotly-renderer.js" {
  import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
  export const rendererFactory: IRenderMime.IRendererFactory;
}
