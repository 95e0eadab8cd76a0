/** Plots for the labs: plotly.js figures shown through tslab, offline. */
export { Figure, PLOTLY_MIME, showFigure, figureBundle, figureSpec, figureHtml, figureLayout, figureText, plotlyLoaderHtml, ensurePlotlyLoaded, validateFigure } from "./figure";
export { AxisOptions, Series, Predictor, plotLines, plotPoints2d, pointTraces, plotDecisionBoundary, decisionGrid, plotTrainingCurves, trainingCurvesFigure, plotImages, plotHeatmap } from "./charts";
export { LiveCurves, liveTrainingCurves } from "./live";
export { inKernel, displayBundle } from "../page/output";
export { Replay, ReplayOptions, GridOptions, PanelGrid, gridTrace, panelGrid, unitGrids, spreadSteps, round3 } from "./replay";
export { UnitGridOptions, unitGridFigure, plotUnitGrid } from "./units";
