/** A vector as the written-out losses and optimizers take it: a plain array or a typed array of numbers. */
export type Vector = ArrayLike<number>;
