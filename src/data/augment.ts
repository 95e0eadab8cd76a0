/**
 * Data augmentation for grey-scale images (lab 06): random shifts and small
 * rotations, resampled bilinearly, with zeros (background) outside the image.
 */
import { Rng } from "../random";
import { ImageSet } from "./mnist";

/**
 * One image moved by (dx, dy) pixels (right, down) and rotated by `degrees`
 * (counter-clockwise on screen) about its centre. Each output pixel samples
 * the input at the inverse-transformed position.
 */
export function shiftRotate(image: ArrayLike<number>, height: number, width: number, dx: number, dy: number, degrees: number): Float32Array {
  if (image.length !== height * width) throw new Error(`shiftRotate: the image has ${image.length} pixels, not ${height}×${width}.`);
  const out = new Float32Array(height * width);
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a), sin = Math.sin(a);
  const cy = (height - 1) / 2, cx = (width - 1) / 2;
  const at = (r: number, c: number) => (r >= 0 && r < height && c >= 0 && c < width ? image[r * width + c] : 0);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      // Undo the shift, then the rotation: where in the input does output pixel (r, c) come from?
      const y = r - dy - cy, x = c - dx - cx;
      const sy = cos * y + sin * x + cy, sx = -sin * y + cos * x + cx;
      const r0 = Math.floor(sy), c0 = Math.floor(sx), fy = sy - r0, fx = sx - c0;
      out[r * width + c] = (1 - fy) * ((1 - fx) * at(r0, c0) + fx * at(r0, c0 + 1)) + fy * ((1 - fx) * at(r0 + 1, c0) + fx * at(r0 + 1, c0 + 1));
    }
  }
  return out;
}

export interface AugmentOptions {
  /** Largest shift in pixels along each axis (a uniform integer in [−maxShift, maxShift]). */
  maxShift: number;
  /** Largest rotation in degrees (uniform in [−maxDegrees, maxDegrees]). */
  maxDegrees: number;
}

/** A copy of `set` with every image randomly shifted and rotated (labels unchanged); same seed, same copy. */
export function augmentImages(set: ImageSet, opts: AugmentOptions, seed: number): ImageSet {
  const { maxShift, maxDegrees } = opts;
  if (!(Number.isInteger(maxShift) && maxShift >= 0)) throw new Error(`augmentImages: maxShift must be an integer ≥ 0, got ${maxShift}.`);
  if (!(maxDegrees >= 0 && maxDegrees <= 180)) throw new Error(`augmentImages: maxDegrees must be in [0, 180], got ${maxDegrees}.`);
  const rng = new Rng(seed);
  const px = set.height * set.width;
  const images = new Float32Array(set.images.length);
  for (let i = 0; i < set.n; i++) {
    const dx = rng.int(2 * maxShift + 1) - maxShift, dy = rng.int(2 * maxShift + 1) - maxShift;
    const deg = rng.uniform(-maxDegrees, maxDegrees);
    images.set(shiftRotate(set.images.subarray(i * px, (i + 1) * px), set.height, set.width, dx, dy, deg), i * px);
  }
  return { ...set, images };
}
