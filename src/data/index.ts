/** Data sets for the labs: MNIST, Iris, seeded 2-D toy sets and the Breast Cancer Wisconsin data (lab 08). */
export { ImageSet, MnistSplit, loadMnist, mnistSplits, subset } from "./mnist";
export { TabularSet, IRIS_FEATURES, loadIris, selectIris } from "./iris";
export { Dataset2d, ToyOptions, makeBlobs, makeXor, makeCircles, makeMoons, makeSpirals } from "./toy";
export { packageDir } from "./package-path";
export { DiagnosisSet, BREAST_CANCER_CLASSES, breastCancerSplits, classCounts, stratifiedSplit } from "./breast-cancer";
export { Scaler, fitScaler, applyScaler, validateScaler } from "./scaler";
