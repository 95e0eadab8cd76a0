/**
 * Hyper-parameter search (lab 07, the Ghent University assignment's "optimal
 * hyperparameters search"): grid and random search over a parameter space,
 * a loop that scores every configuration on the validation set, and the pick
 * of the best one. The test set plays no part here: it is used once, on the
 * winner, by the lab.
 */
import { Rng } from "./random";

export type ParamValue = number | string | boolean;

/** A range to sample from; `log` samples uniformly in log space (for learning rates). */
export interface ParamRange {
  min: number;
  max: number;
  log?: boolean;
  /** Round to an integer (e.g. hidden units). */
  integer?: boolean;
}

/** Each parameter: a list of values (grid or random choice) or a range (random search only). */
export type ParamSpace = Record<string, readonly ParamValue[] | ParamRange>;
export type Config = Record<string, ParamValue>;

function isRange(spec: readonly ParamValue[] | ParamRange): spec is ParamRange {
  return !Array.isArray(spec);
}

function checkSpace(space: ParamSpace, fn: string): void {
  const names = Object.keys(space);
  if (names.length === 0) throw new Error(`${fn}: the parameter space is empty; give at least one parameter.`);
  for (const name of names) {
    const spec = space[name];
    if (isRange(spec)) {
      const { min, max, log } = spec;
      if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max)) throw new Error(`${fn}: ${name} must have finite min ≤ max, got min ${min}, max ${max}.`);
      if (log && !(min > 0)) throw new Error(`${fn}: ${name} is sampled on a log scale, so min must be > 0 (got ${min}).`);
    } else if (spec.length === 0) {
      throw new Error(`${fn}: ${name} has no values; give at least one.`);
    }
  }
}

/** Every combination of the listed values, in order (the last parameter varies fastest). */
export function gridSearch(space: ParamSpace): Config[] {
  checkSpace(space, "gridSearch");
  let configs: Config[] = [{}];
  for (const [name, spec] of Object.entries(space)) {
    if (isRange(spec)) throw new Error(`gridSearch: ${name} is a range; a grid needs a list of values (e.g. [0.001, 0.01, 0.1]).`);
    configs = configs.flatMap((c) => spec.map((v) => ({ ...c, [name]: v })));
  }
  return configs;
}

/** `n` configurations drawn independently from `space` with a seeded Rng. */
export function randomSearch(space: ParamSpace, opts: { n: number; seed: number }): Config[] {
  checkSpace(space, "randomSearch");
  if (!Number.isInteger(opts.n) || opts.n < 1) throw new Error(`randomSearch: n must be a positive integer, got ${opts.n}.`);
  const rng = new Rng(opts.seed);
  return Array.from({ length: opts.n }, () => {
    const c: Config = {};
    for (const [name, spec] of Object.entries(space)) {
      if (!isRange(spec)) {
        c[name] = spec[rng.int(spec.length)];
        continue;
      }
      let v = spec.log ? Math.exp(rng.uniform(Math.log(spec.min), Math.log(spec.max))) : rng.uniform(spec.min, spec.max);
      if (spec.integer) v = Math.min(Math.floor(spec.max), Math.max(Math.ceil(spec.min), Math.round(v)));
      c[name] = v;
    }
    return c;
  });
}

/** One trial: the configuration and the scores its evaluation returned. */
export type Trial<S extends Record<string, number>> = { config: Config } & S;

export interface SearchResult<S extends Record<string, number>> {
  trials: Trial<S>[];
  /** The trial with the best `objective` (the first one on a tie). */
  best: Trial<S>;
  bestIndex: number;
}

/** Index of the best trial by `objective` (maximised unless mode is "min"); first on a tie. */
export function bestTrial<T extends object>(trials: T[], objective: string, mode: "max" | "min" = "max"): number {
  if (trials.length === 0) throw new Error("bestTrial: no trials.");
  const score = (i: number) => (trials[i] as Record<string, unknown>)[objective] as number;
  let best = -1;
  trials.forEach((_, i) => {
    const v = score(i);
    if (typeof v !== "number" || Number.isNaN(v)) throw new Error(`bestTrial: trial ${i} has no numeric "${objective}" (got ${v}).`);
    if (best < 0 || (mode === "max" ? v > score(best) : v < score(best))) best = i;
  });
  return best;
}

/**
 * Runs `evaluate` on every configuration, in order, and picks the best by
 * `objective` — a validation score. `onTrial` sees each result as it comes.
 */
export async function runSearch<S extends Record<string, number>>(
  configs: Config[],
  evaluate: (config: Config, index: number) => S | Promise<S>,
  opts: { objective: keyof S & string; mode?: "max" | "min"; onTrial?: (trial: Trial<S>, index: number) => void },
): Promise<SearchResult<S>> {
  if (configs.length === 0) throw new Error("runSearch: no configurations to try.");
  const trials: Trial<S>[] = [];
  for (let i = 0; i < configs.length; i++) {
    const scores = await evaluate(configs[i], i);
    const trial = { ...scores, config: configs[i] } as Trial<S>;
    trials.push(trial);
    opts.onTrial?.(trial, i);
  }
  const bestIndex = bestTrial(trials, opts.objective, opts.mode);
  return { trials, best: trials[bestIndex], bestIndex };
}
