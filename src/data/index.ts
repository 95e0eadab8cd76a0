/** Data sets for the labs: MNIST, Iris and seeded 2-D toy sets. */
export { ImageSet, MnistSplit, loadMnist, mnistSplits, subset } from "./mnist";
export { TabularSet, IRIS_FEATURES, loadIris, selectIris } from "./iris";
export { Dataset2d, ToyOptions, makeBlobs, makeXor, makeCircles, makeMoons, makeSpirals } from "./toy";
export { packageDir } from "./package-path";
