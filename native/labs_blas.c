/*
 * labs_blas: matrix products and convolutions for the course's wasm backend,
 * run by the system BLAS (OpenBLAS on Linux, Accelerate on macOS) directly on
 * tfjs-backend-wasm's heap: every function takes the heap's ArrayBuffer and
 * byte offsets into it, so no tensor is copied in or out.
 *
 * It also does the two memory-bound steps around them that JavaScript does
 * slowly: the bias gradient (column sums) and the max-pooling gradient,
 * and, for trainModel's tape-free dense step, softmax + cross-entropy,
 * activation derivatives and the optimizers' updates.
 *
 * Convolutions are im2col + GEMM (NHWC input, HWIO filter, as tfjs stores
 * them), in chunks of images so the column scratch stays a few MiB (it lives
 * in this addon's own memory, never in the wasm heap). src/wasm/native.ts
 * registers them as the wasm backend's kernels; test/unit/native-kernels.test.ts
 * checks each against the cpu backend.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>
#include <pthread.h>

#ifdef __APPLE__
#include <Accelerate/Accelerate.h>
#define BLAS_NAME "Accelerate"
static int blas_threads(void) { return 0; }
static void blas_set_threads(int n) { (void)n; }
#else
#include <cblas.h>
#define BLAS_NAME "OpenBLAS"
static int blas_threads(void) { return openblas_get_num_threads(); }
static void blas_set_threads(int n) { openblas_set_num_threads(n); }
#endif

/*
 * Threads: the addon runs its own, as many as OpenBLAS would start (one per
 * core, or OPENBLAS_NUM_THREADS), and keeps OpenBLAS itself on one thread.
 * OpenBLAS's threads spin for a while after each product; in a training step,
 * where products alternate with convolutions that split their images over the
 * addon's threads, those spinning threads took the cores the convolution's
 * threads needed, and two threads trained no faster than one.
 */
static int max_threads = -1;

/* Reads the thread count once, then puts OpenBLAS on one thread for good. */
static int threads(void) {
  if (max_threads < 0) {
    max_threads = blas_threads();
    blas_set_threads(1);
  }
  return max_threads;
}

/*
 * Work smaller than this many multiply-adds runs on one thread: waking the
 * other threads costs more than it saves (an MLP step's 100×784×64 product
 * ran slower on two threads, in PyTorch too), and far more on a busy machine.
 */
#define THREADED_MACS (1 << 24)

typedef void (*RangeFn)(void *ctx, int64_t lo, int64_t hi, int part);
typedef struct { RangeFn fn; void *ctx; int64_t lo, hi; int part; } Range;

static void *run_range(void *p) {
  Range *r = (Range *)p;
  r->fn(r->ctx, r->lo, r->hi, r->part);
  return NULL;
}

#define MAX_PARTS 64
/* How many parts to split `items` items of `macs` multiply-adds in all into: one below THREADED_MACS. */
static int parts_for(int64_t items, double macs) {
  int t = threads();
  t = t < 1 ? 1 : (t > MAX_PARTS ? MAX_PARTS : t);
  if (macs < THREADED_MACS) t = 1;
  if (items < t) t = items < 1 ? 1 : (int)items;
  return t;
}

/* fn(ctx, lo, hi, part) over `parts` contiguous shares of [0, n), in parallel (a share whose thread cannot start runs here). */
static void parallel_for(int64_t n, int parts, RangeFn fn, void *ctx) {
  Range r[MAX_PARTS];
  pthread_t th[MAX_PARTS];
  int started[MAX_PARTS] = {0};
  for (int p = 0; p < parts; p++) {
    r[p] = (Range){fn, ctx, n * p / parts, n * (p + 1) / parts, p};
    if (p > 0) started[p] = pthread_create(&th[p], NULL, run_range, &r[p]) == 0;
  }
  run_range(&r[0]);
  for (int p = 1; p < parts; p++) {
    if (started[p]) pthread_join(th[p], NULL);
    else run_range(&r[p]);
  }
}

/* A GEMM on the calling thread (OpenBLAS is kept on one thread). */
static void sgemm_here(enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int64_t M, int64_t N, int64_t K,
                       const float *A, int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta, tb, (int)M, (int)N, (int)K, 1.0f, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
}

typedef struct {
  enum CBLAS_TRANSPOSE ta, tb;
  int64_t M, N, K, lda, ldb, ldc;
  const float *A, *B;
  float beta, *C;
  int by_rows;
} Gemm;

/* One thread's block of C: rows [lo, hi) of op(A) · op(B), or its columns [lo, hi) when C is wide and short. */
static void gemm_range(void *p, int64_t lo, int64_t hi, int part) {
  const Gemm *g = (const Gemm *)p;
  (void)part;
  if (hi <= lo) return;
  if (g->by_rows) {
    const float *a = g->ta == CblasTrans ? g->A + lo : g->A + lo * g->lda;
    sgemm_here(g->ta, g->tb, hi - lo, g->N, g->K, a, g->lda, g->B, g->ldb, g->beta, g->C + lo * g->ldc, g->ldc);
  } else {
    const float *b = g->tb == CblasTrans ? g->B + lo * g->ldb : g->B + lo;
    sgemm_here(g->ta, g->tb, g->M, hi - lo, g->K, g->A, g->lda, b, g->ldb, g->beta, g->C + lo, g->ldc);
  }
}

/* C = op(A) · op(B) (+ beta·C), split into blocks of rows (or columns) over the addon's threads when it is big enough. */
static void sgemm(enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int64_t M, int64_t N, int64_t K,
                  const float *A, int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
  Gemm g = {ta, tb, M, N, K, lda, ldb, ldc, A, B, beta, C, M >= N || M >= 256};
  int64_t split = g.by_rows ? M : N;
  /* Blocks of at least 32 rows (or columns), so each thread's GEMM stays efficient. */
  parallel_for(split, parts_for(split / 32, (double)M * N * K), gemm_range, &g);
}

/*
 * Convolutions split their images over the threads, each thread running
 * im2col (or col2im) and a one-thread GEMM on its share, so the copying is
 * parallel too.
 */
#define MAX_ARGS 24
/* Largest im2col scratch, in floats (4 MiB): big enough for efficient GEMMs, small enough to stay in cache. */
#define COLS_FLOATS (1 << 20)

typedef struct {
  napi_env env;
  char *heap;
  size_t heap_len;
  napi_value argv[MAX_ARGS];
  size_t argc;
  int failed;
} Call;

static void fail(Call *c, const char *msg) {
  if (!c->failed) napi_throw_error(c->env, NULL, msg);
  c->failed = 1;
}

static int start(Call *c, napi_env env, napi_callback_info info, size_t want) {
  c->env = env;
  c->failed = 0;
  c->argc = MAX_ARGS;
  c->heap = NULL;
  c->heap_len = 0;
  if (napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL) != napi_ok || c->argc < want) {
    fail(c, "labs_blas: wrong number of arguments");
    return 0;
  }
  if (want == 0) return 1;
  bool is_ab = false;
  napi_is_arraybuffer(env, c->argv[0], &is_ab);
  void *data = NULL;
  if (!is_ab || napi_get_arraybuffer_info(env, c->argv[0], &data, &c->heap_len) != napi_ok) {
    fail(c, "labs_blas: the first argument must be the wasm heap's ArrayBuffer");
    return 0;
  }
  c->heap = (char *)data;
  return 1;
}

static int64_t int_arg(Call *c, size_t i) {
  int64_t v = 0;
  if (c->failed) return 0;
  if (napi_get_value_int64(c->env, c->argv[i], &v) != napi_ok) fail(c, "labs_blas: expected an integer argument");
  return v;
}

static double num_arg(Call *c, size_t i) {
  double v = 0;
  if (c->failed) return 0;
  if (napi_get_value_double(c->env, c->argv[i], &v) != napi_ok) fail(c, "labs_blas: expected a number argument");
  return v;
}

/* A float pointer at byte offset `off` of the heap, checked to hold `n` floats; NULL for offset -1. */
static float *region(Call *c, int64_t off, int64_t n) {
  if (c->failed || off == -1) return NULL;
  if (off < 0 || (off & 3) || n < 0 || (uint64_t)off + (uint64_t)n * 4 > c->heap_len) {
    fail(c, "labs_blas: a tensor lies outside the wasm heap");
    return NULL;
  }
  return (float *)(c->heap + off);
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

/* Activations, by the codes of src/wasm/native.ts. */
enum { ACT_LINEAR = 0, ACT_RELU = 1, ACT_RELU6 = 2, ACT_LEAKY = 3, ACT_ELU = 4, ACT_SIGMOID = 5, ACT_TANH = 6 };

/* y[rows, cols] += bias (per column, if any), then the activation, in place. */
static void bias_act(float *y, int64_t rows, int64_t cols, const float *bias, int act, float alpha) {
  for (int64_t r = 0; r < rows; r++) {
    float *row = y + r * cols;
    if (bias) for (int64_t j = 0; j < cols; j++) row[j] += bias[j];
    switch (act) {
      case ACT_RELU: for (int64_t j = 0; j < cols; j++) row[j] = row[j] > 0 ? row[j] : 0; break;
      case ACT_RELU6: for (int64_t j = 0; j < cols; j++) row[j] = row[j] < 0 ? 0 : (row[j] > 6 ? 6 : row[j]); break;
      case ACT_LEAKY: for (int64_t j = 0; j < cols; j++) row[j] = row[j] >= 0 ? row[j] : alpha * row[j]; break;
      case ACT_ELU: for (int64_t j = 0; j < cols; j++) row[j] = row[j] >= 0 ? row[j] : expm1f(row[j]); break;
      case ACT_SIGMOID: for (int64_t j = 0; j < cols; j++) row[j] = 1.0f / (1.0f + expf(-row[j])); break;
      case ACT_TANH: for (int64_t j = 0; j < cols; j++) row[j] = tanhf(row[j]); break;
      default: break;
    }
  }
}

/*
 * gemm(heap, batch, transA, transB, M, N, K, aOff, aStride, bOff, bStride, cOff, biasOff, act, alpha)
 * C[i] = op(A[i]) · op(B[i]) for i < batch (row-major; a stride of 0 broadcasts
 * one matrix), then bias (length N, offset -1 for none) and the activation.
 */
static napi_value gemm(napi_env env, napi_callback_info info) {
  Call c;
  if (!start(&c, env, info, 15)) return NULL;
  int64_t batch = int_arg(&c, 1), ta = int_arg(&c, 2), tb = int_arg(&c, 3);
  int64_t M = int_arg(&c, 4), N = int_arg(&c, 5), K = int_arg(&c, 6);
  int64_t aOff = int_arg(&c, 7), aStride = int_arg(&c, 8), bOff = int_arg(&c, 9), bStride = int_arg(&c, 10);
  int64_t cOff = int_arg(&c, 11), biasOff = int_arg(&c, 12), act = int_arg(&c, 13);
  float alpha = (float)num_arg(&c, 14);
  if (c.failed) return NULL;
  if (batch < 1 || M < 1 || N < 1 || K < 1 || aStride < 0 || bStride < 0) { fail(&c, "labs_blas.gemm: bad sizes"); return NULL; }
  float *A = region(&c, aOff, (batch - 1) * aStride + M * K);
  float *B = region(&c, bOff, (batch - 1) * bStride + K * N);
  float *C = region(&c, cOff, batch * M * N);
  float *bias = region(&c, biasOff, N);
  if (c.failed) return NULL;
  for (int64_t i = 0; i < batch; i++) {
    sgemm(ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K,
          A + i * aStride, ta ? M : K, B + i * bStride, tb ? K : N, 0.0f, C + i * M * N, N);
    if (bias || act != ACT_LINEAR) bias_act(C + i * M * N, M, N, bias, (int)act, alpha);
  }
  return undefined(env);
}

/* Convolution geometry: NHWC input [N, H, W, Cin], HWIO filter [fh, fw, Cin, Cout], output [N, OH, OW, Cout]. */
typedef struct {
  int64_t N, H, W, Cin, OH, OW, Cout, fh, fw, sh, sw, dh, dw, pt, pl;
} Geom;

/* Reads the 15 geometry numbers starting at argument `first`. */
static int geom_args(Call *c, size_t first, Geom *g) {
  int64_t *f = &g->N;
  for (int i = 0; i < 15; i++) f[i] = int_arg(c, first + i);
  if (c->failed) return 0;
  if (g->N < 1 || g->H < 1 || g->W < 1 || g->Cin < 1 || g->OH < 1 || g->OW < 1 || g->Cout < 1 || g->fh < 1 ||
      g->fw < 1 || g->sh < 1 || g->sw < 1 || g->dh < 1 || g->dw < 1) {
    fail(c, "labs_blas: bad convolution geometry");
    return 0;
  }
  return 1;
}

static int64_t chunk_images(const Geom *g) {
  int64_t per = g->OH * g->OW * g->fh * g->fw * g->Cin;
  int64_t n = COLS_FLOATS / (per > 0 ? per : 1);
  return n < 1 ? 1 : (n > g->N ? g->N : n);
}

/* True when the im2col matrix of a chunk is the input itself (1×1 filter, stride 1, no padding). */
static int is_pointwise(const Geom *g) {
  return g->fh == 1 && g->fw == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pl == 0 && g->OH == g->H && g->OW == g->W;
}

/* cols[(n·OH + oh)·OW + ow, (kh·fw + kw)·Cin + ci] = x[n0 + n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, ci] (0 outside). */
static void im2col(const Geom *g, const float *x, int64_t n0, int64_t nc, float *cols) {
  const int64_t K = g->fh * g->fw * g->Cin, Cin = g->Cin;
  for (int64_t n = 0; n < nc; n++) {
    const float *img = x + (n0 + n) * g->H * g->W * Cin;
    for (int64_t oh = 0; oh < g->OH; oh++) {
      for (int64_t ow = 0; ow < g->OW; ow++) {
        float *dst = cols + ((n * g->OH + oh) * g->OW + ow) * K;
        for (int64_t kh = 0; kh < g->fh; kh++) {
          int64_t ih = oh * g->sh + kh * g->dh - g->pt;
          if (ih < 0 || ih >= g->H) { memset(dst, 0, sizeof(float) * g->fw * Cin); dst += g->fw * Cin; continue; }
          const float *src_row = img + ih * g->W * Cin;
          if (g->dw == 1) {
            /* The valid kw form one contiguous run of the input row. */
            int64_t iw0 = ow * g->sw - g->pl;
            int64_t lo = iw0 < 0 ? -iw0 : 0, hi = g->W - iw0 < g->fw ? g->W - iw0 : g->fw;
            if (lo > g->fw) lo = g->fw;
            if (hi < lo) hi = lo;
            if (lo > 0) memset(dst, 0, sizeof(float) * lo * Cin);
            if (hi > lo) memcpy(dst + lo * Cin, src_row + (iw0 + lo) * Cin, sizeof(float) * (hi - lo) * Cin);
            if (hi < g->fw) memset(dst + hi * Cin, 0, sizeof(float) * (g->fw - hi) * Cin);
            dst += g->fw * Cin;
          } else {
            for (int64_t kw = 0; kw < g->fw; kw++, dst += Cin) {
              int64_t iw = ow * g->sw + kw * g->dw - g->pl;
              if (iw < 0 || iw >= g->W) memset(dst, 0, sizeof(float) * Cin);
              else memcpy(dst, src_row + iw * Cin, sizeof(float) * Cin);
            }
          }
        }
      }
    }
  }
}

/* dx[n0 + n, ih, iw, ci] += cols[…] for every column entry that im2col would have read from there. */
static void col2im(const Geom *g, const float *cols, int64_t n0, int64_t nc, float *dx) {
  const int64_t K = g->fh * g->fw * g->Cin, Cin = g->Cin;
  for (int64_t n = 0; n < nc; n++) {
    float *img = dx + (n0 + n) * g->H * g->W * Cin;
    for (int64_t oh = 0; oh < g->OH; oh++) {
      for (int64_t ow = 0; ow < g->OW; ow++) {
        const float *src = cols + ((n * g->OH + oh) * g->OW + ow) * K;
        for (int64_t kh = 0; kh < g->fh; kh++) {
          int64_t ih = oh * g->sh + kh * g->dh - g->pt;
          if (ih < 0 || ih >= g->H) { src += g->fw * Cin; continue; }
          float *dst_row = img + ih * g->W * Cin;
          for (int64_t kw = 0; kw < g->fw; kw++, src += Cin) {
            int64_t iw = ow * g->sw + kw * g->dw - g->pl;
            if (iw < 0 || iw >= g->W) continue;
            float *d = dst_row + iw * Cin;
            for (int64_t ci = 0; ci < Cin; ci++) d[ci] += src[ci];
          }
        }
      }
    }
  }
}

/* One convolution call's operands, shared by the threads that split its images. */
typedef struct {
  const Geom *g;
  const float *x, *w, *dy, *bias;
  float *y, *dw, *dx;
  float **partial; /* backprop filter: each part's own sum (part 0's is dw itself) */
  int act;
  float alpha;
  int oom;
} Conv;

/* One thread's im2col scratch for `chunk` images in *cols (NULL for a pointwise convolution, which needs none); 0 when out of memory. */
static int scratch_for(const Geom *g, int64_t chunk, float **cols) {
  if (is_pointwise(g)) { *cols = NULL; return 1; }
  *cols = (float *)malloc(sizeof(float) * chunk * g->OH * g->OW * g->fh * g->fw * g->Cin);
  return *cols != NULL;
}

/* Each part's images, in chunks: cols = im2col, then the chunk's GEMM. */
static void conv_fwd_range(void *p, int64_t lo, int64_t hi, int part) {
  Conv *cv = (Conv *)p;
  const Geom *g = cv->g;
  (void)part;
  const int64_t K = g->fh * g->fw * g->Cin, per = g->OH * g->OW, chunk = chunk_images(g);
  float *cols;
  if (!scratch_for(g, chunk, &cols)) { cv->oom = 1; return; }
  for (int64_t n0 = lo; n0 < hi; n0 += chunk) {
    int64_t nc = hi - n0 < chunk ? hi - n0 : chunk;
    const float *a = cols ? cols : cv->x + n0 * per * g->Cin;
    if (cols) im2col(g, cv->x, n0, nc, cols);
    float *out = cv->y + n0 * per * g->Cout;
    sgemm_here(CblasNoTrans, CblasNoTrans, nc * per, g->Cout, K, a, K, cv->w, g->Cout, 0.0f, out, g->Cout);
    if (cv->bias || cv->act != ACT_LINEAR) bias_act(out, nc * per, g->Cout, cv->bias, cv->act, cv->alpha);
  }
  free(cols);
}

/* Each part sums colsᵀ · dy over its images into its own partial. */
static void conv_filter_range(void *p, int64_t lo, int64_t hi, int part) {
  Conv *cv = (Conv *)p;
  const Geom *g = cv->g;
  const int64_t K = g->fh * g->fw * g->Cin, per = g->OH * g->OW, chunk = chunk_images(g);
  float *acc = cv->partial[part];
  float *cols = NULL;
  if (!acc || !scratch_for(g, chunk, &cols)) { cv->oom = 1; free(cols); return; }
  if (hi <= lo) memset(acc, 0, sizeof(float) * K * g->Cout);
  for (int64_t n0 = lo; n0 < hi; n0 += chunk) {
    int64_t nc = hi - n0 < chunk ? hi - n0 : chunk;
    const float *a = cols ? cols : cv->x + n0 * per * g->Cin;
    if (cols) im2col(g, cv->x, n0, nc, cols);
    sgemm_here(CblasTrans, CblasNoTrans, K, g->Cout, nc * per, a, K, cv->dy + n0 * per * g->Cout, g->Cout, n0 == lo ? 0.0f : 1.0f, acc, g->Cout);
  }
  free(cols);
}

/* Each part writes dx for its own images: cols = dy · wᵀ, then col2im. */
static void conv_input_range(void *p, int64_t lo, int64_t hi, int part) {
  Conv *cv = (Conv *)p;
  const Geom *g = cv->g;
  (void)part;
  const int64_t K = g->fh * g->fw * g->Cin, per = g->OH * g->OW, img = g->H * g->W * g->Cin, chunk = chunk_images(g);
  float *cols;
  if (!scratch_for(g, chunk, &cols)) { cv->oom = 1; return; }
  if (cols) memset(cv->dx + lo * img, 0, sizeof(float) * (hi - lo) * img);
  for (int64_t n0 = lo; n0 < hi; n0 += chunk) {
    int64_t nc = hi - n0 < chunk ? hi - n0 : chunk;
    float *out = cols ? cols : cv->dx + n0 * per * g->Cin;
    sgemm_here(CblasNoTrans, CblasTrans, nc * per, K, g->Cout, cv->dy + n0 * per * g->Cout, g->Cout, cv->w, g->Cout, 0.0f, out, K);
    if (cols) col2im(g, cols, n0, nc, cv->dx);
  }
  free(cols);
}

static double conv_macs(const Geom *g) { return (double)g->N * g->OH * g->OW * g->fh * g->fw * g->Cin * g->Cout; }

/*
 * conv2d(heap, xOff, wOff, yOff, biasOff, act, alpha, ...geometry)
 * y = act(conv(x, w) + bias).
 */
static napi_value conv2d(napi_env env, napi_callback_info info) {
  Call c;
  Geom g;
  if (!start(&c, env, info, 22)) return NULL;
  int64_t xOff = int_arg(&c, 1), wOff = int_arg(&c, 2), yOff = int_arg(&c, 3), biasOff = int_arg(&c, 4), act = int_arg(&c, 5);
  float alpha = (float)num_arg(&c, 6);
  if (!geom_args(&c, 7, &g)) return NULL;
  const int64_t K = g.fh * g.fw * g.Cin, per = g.OH * g.OW;
  Conv cv = {&g, region(&c, xOff, g.N * g.H * g.W * g.Cin), region(&c, wOff, K * g.Cout), NULL, region(&c, biasOff, g.Cout),
             region(&c, yOff, g.N * per * g.Cout), NULL, NULL, NULL, (int)act, alpha, 0};
  if (c.failed) return NULL;
  parallel_for(g.N, parts_for(g.N, conv_macs(&g)), conv_fwd_range, &cv);
  if (cv.oom) fail(&c, "labs_blas: out of memory for the im2col scratch");
  return c.failed ? NULL : undefined(env);
}

/* conv2dBackpropFilter(heap, xOff, dyOff, dwOff, ...geometry): dw = Σ colsᵀ · dy. */
static napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  Call c;
  Geom g;
  if (!start(&c, env, info, 19)) return NULL;
  int64_t xOff = int_arg(&c, 1), dyOff = int_arg(&c, 2), dwOff = int_arg(&c, 3);
  if (!geom_args(&c, 4, &g)) return NULL;
  const int64_t K = g.fh * g.fw * g.Cin, per = g.OH * g.OW;
  float *partial[MAX_PARTS] = {0};
  Conv cv = {&g, region(&c, xOff, g.N * g.H * g.W * g.Cin), NULL, region(&c, dyOff, g.N * per * g.Cout), NULL,
             NULL, region(&c, dwOff, K * g.Cout), NULL, partial, 0, 0, 0};
  if (c.failed) return NULL;
  const int parts = parts_for(g.N, conv_macs(&g));
  partial[0] = cv.dw;
  for (int p = 1; p < parts; p++) partial[p] = (float *)malloc(sizeof(float) * K * g.Cout);
  parallel_for(g.N, parts, conv_filter_range, &cv);
  /* The parts' sums, added in part order (the same order on every run). */
  for (int p = 1; p < parts; p++) {
    if (partial[p]) for (int64_t i = 0; i < K * g.Cout; i++) cv.dw[i] += partial[p][i];
    free(partial[p]);
  }
  if (cv.oom) fail(&c, "labs_blas: out of memory for the im2col scratch");
  return c.failed ? NULL : undefined(env);
}

/* conv2dBackpropInput(heap, dyOff, wOff, dxOff, ...geometry): dx = col2im(dy · wᵀ). */
static napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) {
  Call c;
  Geom g;
  if (!start(&c, env, info, 19)) return NULL;
  int64_t dyOff = int_arg(&c, 1), wOff = int_arg(&c, 2), dxOff = int_arg(&c, 3);
  if (!geom_args(&c, 4, &g)) return NULL;
  const int64_t K = g.fh * g.fw * g.Cin, per = g.OH * g.OW;
  Conv cv = {&g, NULL, region(&c, wOff, K * g.Cout), region(&c, dyOff, g.N * per * g.Cout), NULL,
             NULL, NULL, region(&c, dxOff, g.N * g.H * g.W * g.Cin), NULL, 0, 0, 0};
  if (c.failed) return NULL;
  parallel_for(g.N, parts_for(g.N, conv_macs(&g)), conv_input_range, &cv);
  if (cv.oom) fail(&c, "labs_blas: out of memory for the im2col scratch");
  return c.failed ? NULL : undefined(env);
}

/* sumRows(heap, xOff, rows, cols, outOff): out[j] = Σ_r x[r, j] (a bias gradient), summed in double. */
static napi_value sum_rows(napi_env env, napi_callback_info info) {
  Call c;
  if (!start(&c, env, info, 5)) return NULL;
  int64_t xOff = int_arg(&c, 1), rows = int_arg(&c, 2), cols = int_arg(&c, 3), outOff = int_arg(&c, 4);
  if (c.failed) return NULL;
  if (rows < 1 || cols < 1) { fail(&c, "labs_blas.sumRows: bad sizes"); return NULL; }
  const float *x = region(&c, xOff, rows * cols);
  float *out = region(&c, outOff, cols);
  double *acc = c.failed ? NULL : (double *)calloc((size_t)cols, sizeof(double));
  if (!c.failed && !acc) fail(&c, "labs_blas: out of memory");
  if (c.failed) return NULL;
  for (int64_t r = 0; r < rows; r++) {
    const float *row = x + r * cols;
    for (int64_t j = 0; j < cols; j++) acc[j] += row[j];
  }
  for (int64_t j = 0; j < cols; j++) out[j] = (float)acc[j];
  free(acc);
  return undefined(env);
}

/* One maxPoolGrad call, shared by the threads that split its images. */
typedef struct {
  const float *x, *dy;
  float *dx;
  int64_t H, W, C, OH, OW, fh, fw, sh, sw, pt, pl;
  int oom;
} Pool;

/*
 * Windows that tile the input (stride = window, none past its edges: Keras's pooling):
 * each input position is in at most one window, so every dx value is written
 * once, with no zeroing pass and no scatter.
 */
static int pool_grad_tiled(const Pool *q, int64_t lo, int64_t hi) {
  const int64_t H = q->H, W = q->W, C = q->C, fh = q->fh, fw = q->fw, win = fh * fw;
  int64_t off[64];
  for (int64_t i = 0; i < fh; i++) for (int64_t j = 0; j < fw; j++) off[i * fw + j] = (i * W + j) * C;
  /* Per channel, the window's maximum so far and its position: loops over channels of selects, which vectorize. */
  float *restrict best = (float *)malloc(sizeof(float) * C);
  int32_t *restrict at = (int32_t *)malloc(sizeof(int32_t) * C);
  if (!best || !at) { free(best); free(at); return 0; }
  for (int64_t n = lo; n < hi; n++) {
    const float *img = q->x + n * H * W * C;
    float *dimg = q->dx + n * H * W * C;
    for (int64_t oh = 0; oh < q->OH; oh++) {
      for (int64_t ow = 0; ow < q->OW; ow++) {
        const int64_t o = (oh * fh * W + ow * fw) * C;
        const float *restrict g = q->dy + ((n * q->OH + oh) * q->OW + ow) * C;
        for (int64_t ch = 0; ch < C; ch++) { best[ch] = img[o + ch]; at[ch] = 0; }
        for (int32_t k = 1; k < win; k++) {
          const float *restrict v = img + o + off[k];
          /* Strict >: the first maximum keeps the gradient. Masks, which compilers vectorize where they would not a ?: on floats. */
          for (int64_t ch = 0; ch < C; ch++) {
            float b = best[ch], x = v[ch];
            int32_t m = -(int32_t)(x > b), xb, bb;
            memcpy(&xb, &x, 4);
            memcpy(&bb, &b, 4);
            bb = (xb & m) | (bb & ~m);
            memcpy(&best[ch], &bb, 4);
            at[ch] = (k & m) | (at[ch] & ~m);
          }
        }
        for (int32_t k = 0; k < win; k++) {
          float *restrict d = dimg + o + off[k];
          for (int64_t ch = 0; ch < C; ch++) {
            float gv = g[ch];
            d[ch] = at[ch] == k ? gv : 0.0f;
          }
        }
      }
    }
    /* The rows and columns past the last whole window get no gradient. */
    for (int64_t i = 0; i < H; i++) {
      int64_t from = i < q->OH * fh ? q->OW * fw : 0;
      if (from < W) memset(dimg + (i * W + from) * C, 0, sizeof(float) * (W - from) * C);
    }
  }
  free(best);
  free(at);
  return 1;
}

/* Any windows: zero dx, then add each window's gradient at the first position (row-major) of its maximum. */
static void pool_grad_range(void *p, int64_t lo, int64_t hi, int part) {
  Pool *q = (Pool *)p;
  (void)part;
  const int64_t H = q->H, W = q->W, C = q->C;
  if (q->sh == q->fh && q->sw == q->fw && q->pt == 0 && q->pl == 0 && q->OH * q->fh <= H && q->OW * q->fw <= W && q->fh * q->fw <= 64) {
    if (!pool_grad_tiled(q, lo, hi)) q->oom = 1;
    return;
  }
  float *best = (float *)malloc(sizeof(float) * C);
  int64_t *at = (int64_t *)malloc(sizeof(int64_t) * C);
  if (!best || !at) { free(best); free(at); q->oom = 1; return; }
  memset(q->dx + lo * H * W * C, 0, sizeof(float) * (hi - lo) * H * W * C);
  for (int64_t n = lo; n < hi; n++) {
    for (int64_t oh = 0; oh < q->OH; oh++) {
      int64_t h0 = oh * q->sh - q->pt, hlo = h0 < 0 ? 0 : h0, hhi = h0 + q->fh > H ? H : h0 + q->fh;
      for (int64_t ow = 0; ow < q->OW; ow++) {
        int64_t w0 = ow * q->sw - q->pl, wlo = w0 < 0 ? 0 : w0, whi = w0 + q->fw > W ? W : w0 + q->fw;
        if (hlo >= hhi || wlo >= whi) continue;
        /* Positions in row-major window order, channels innermost (contiguous); strict > keeps the first maximum. */
        int first = 1;
        for (int64_t i = hlo; i < hhi; i++) {
          for (int64_t j = wlo; j < whi; j++) {
            const int64_t pos = ((n * H + i) * W + j) * C;
            const float *xp = q->x + pos;
            if (first) {
              for (int64_t ch = 0; ch < C; ch++) { best[ch] = xp[ch]; at[ch] = pos + ch; }
              first = 0;
            } else {
              for (int64_t ch = 0; ch < C; ch++) if (xp[ch] > best[ch]) { best[ch] = xp[ch]; at[ch] = pos + ch; }
            }
          }
        }
        const float *g = q->dy + ((n * q->OH + oh) * q->OW + ow) * C;
        for (int64_t ch = 0; ch < C; ch++) q->dx[at[ch]] += g[ch];
      }
    }
  }
  free(best);
  free(at);
}

/*
 * maxPoolGrad(heap, xOff, dyOff, dxOff, N, H, W, C, OH, OW, fh, fw, sh, sw, pt, pl)
 * Each window's gradient goes to the first position (row-major) holding its maximum, as on the cpu backend.
 */
static napi_value max_pool_grad(napi_env env, napi_callback_info info) {
  Call c;
  if (!start(&c, env, info, 16)) return NULL;
  int64_t xOff = int_arg(&c, 1), dyOff = int_arg(&c, 2), dxOff = int_arg(&c, 3);
  int64_t N = int_arg(&c, 4), H = int_arg(&c, 5), W = int_arg(&c, 6), C = int_arg(&c, 7), OH = int_arg(&c, 8), OW = int_arg(&c, 9);
  int64_t fh = int_arg(&c, 10), fw = int_arg(&c, 11), sh = int_arg(&c, 12), sw = int_arg(&c, 13), pt = int_arg(&c, 14), pl = int_arg(&c, 15);
  if (c.failed) return NULL;
  if (N < 1 || H < 1 || W < 1 || C < 1 || OH < 1 || OW < 1 || fh < 1 || fw < 1 || sh < 1 || sw < 1) { fail(&c, "labs_blas.maxPoolGrad: bad geometry"); return NULL; }
  Pool q = {region(&c, xOff, N * H * W * C), region(&c, dyOff, N * OH * OW * C), region(&c, dxOff, N * H * W * C),
            H, W, C, OH, OW, fh, fw, sh, sw, pt, pl, 0};
  if (c.failed) return NULL;
  /* Memory-bound: worth a second thread from about a million positions (a CNN batch's pooling). */
  parallel_for(N, parts_for(N, (double)N * H * W * C * 16), pool_grad_range, &q);
  if (q.oom) fail(&c, "labs_blas: out of memory");
  return c.failed ? NULL : undefined(env);
}

/*
 * softmaxXent(heap, zOff, n, k, labelsOff, eps) -> [loss sum, correct]
 * Over logits z [n, k] and int32 labels: softmax, Keras's clipped cross-entropy
 * −log(clip(p_label, eps, 1 − eps)) summed over rows, the rows whose argmax is
 * the label; z is overwritten with dLoss/dz = (p − onehot) / n, 0 on rows whose
 * p_label was clipped (no gradient passes a clip). See src/wasm/dense-step.ts.
 */
static napi_value softmax_xent(napi_env env, napi_callback_info info) {
  Call c;
  if (!start(&c, env, info, 6)) return NULL;
  int64_t zOff = int_arg(&c, 1), n = int_arg(&c, 2), k = int_arg(&c, 3), labelsOff = int_arg(&c, 4);
  double eps = num_arg(&c, 5);
  if (c.failed) return NULL;
  if (n < 1 || k < 1) { fail(&c, "labs_blas.softmaxXent: bad sizes"); return NULL; }
  float *z = region(&c, zOff, n * k);
  const int32_t *labels = (const int32_t *)region(&c, labelsOff, n);
  if (c.failed) return NULL;
  double loss = 0;
  int64_t correct = 0;
  for (int64_t r = 0; r < n; r++) {
    float *row = z + r * k;
    int64_t arg = 0;
    float max = row[0];
    for (int64_t j = 1; j < k; j++) if (row[j] > max) { max = row[j]; arg = j; }
    double sum = 0;
    for (int64_t j = 0; j < k; j++) sum += (row[j] = expf(row[j] - max));
    int32_t label = labels[r];
    if (label < 0 || label >= k) { fail(&c, "labs_blas.softmaxXent: a label is not a class"); return NULL; }
    double p = row[label] / sum;
    if (arg == label) correct++;
    loss -= log(p < eps ? eps : (p > 1 - eps ? 1 - eps : p));
    int passes = p >= eps && p <= 1 - eps;
    for (int64_t j = 0; j < k; j++) row[j] = passes ? (float)((row[j] / sum - (j == label ? 1.0 : 0.0)) / n) : 0.0f;
  }
  napi_value out, a, b;
  napi_create_array_with_length(env, 2, &out);
  napi_create_double(env, loss, &a);
  napi_create_double(env, (double)correct, &b);
  napi_set_element(env, out, 0, a);
  napi_set_element(env, out, 1, b);
  return out;
}

/* actGrad(heap, daOff, aOff, count, act): da *= act′, written in terms of the activation's output a. */
static napi_value act_grad(napi_env env, napi_callback_info info) {
  Call c;
  if (!start(&c, env, info, 5)) return NULL;
  int64_t daOff = int_arg(&c, 1), aOff = int_arg(&c, 2), count = int_arg(&c, 3), act = int_arg(&c, 4);
  if (c.failed) return NULL;
  float *da = region(&c, daOff, count);
  const float *a = region(&c, aOff, count);
  if (c.failed) return NULL;
  switch (act) {
    case ACT_RELU: for (int64_t i = 0; i < count; i++) da[i] = a[i] > 0 ? da[i] : 0; break;
    case ACT_SIGMOID: for (int64_t i = 0; i < count; i++) da[i] *= a[i] * (1 - a[i]); break;
    case ACT_TANH: for (int64_t i = 0; i < count; i++) da[i] *= 1 - a[i] * a[i]; break;
    case ACT_LINEAR: break;
    default: fail(&c, "labs_blas.actGrad: unsupported activation"); return NULL;
  }
  return undefined(env);
}

/* dy · step(x) as the cpu backend computes it: step is 1 above 0, NaN at NaN, else 0; then a float multiply. */
typedef struct { const float *dy, *x; float *out; } Elementwise;

static void relu_grad_range(void *p, int64_t lo, int64_t hi, int part) {
  const Elementwise *e = (const Elementwise *)p;
  (void)part;
  /* Written as selects, not branches, so that the compiler vectorizes it (signs are random: branches mispredict). */
  const float *restrict x = e->x, *restrict dy = e->dy;
  float *restrict out = e->out;
  for (int64_t i = lo; i < hi; i++) {
    float xi = x[i], s = xi > 0 ? 1.0f : 0.0f;
    out[i] = dy[i] * (xi == xi ? s : xi);
  }
}

/* reluGrad(heap, dyOff, xOff, outOff, count): the gradient through relu(x), for src/wasm/relu-grad.ts. */
static napi_value relu_grad(napi_env env, napi_callback_info info) {
  Call c;
  if (!start(&c, env, info, 5)) return NULL;
  int64_t dyOff = int_arg(&c, 1), xOff = int_arg(&c, 2), outOff = int_arg(&c, 3), count = int_arg(&c, 4);
  if (c.failed) return NULL;
  Elementwise e = {region(&c, dyOff, count), region(&c, xOff, count), region(&c, outOff, count)};
  if (c.failed) return NULL;
  /* Memory-bound like the pooling gradient: a second thread pays from about a million elements. */
  parallel_for(count, parts_for(count, (double)count * 16), relu_grad_range, &e);
  return undefined(env);
}

/*
 * optimizerUpdate(heap, kind, count, wOff, newOff, gOff, s1Off, s2Off, lr, p1, p2, p3, c1, c2)
 * One step of tfjs's SGD (kind 0), momentum (1: s1 = accumulation, p1 = momentum,
 * p2 = Nesterov) or Adam (2: s1, s2 = moments, p1 = β1, p2 = β2, p3 = ε,
 * c1, c2 = 1 − β^t). Slots in place; the new weights go to newOff.
 */
static napi_value optimizer_update(napi_env env, napi_callback_info info) {
  Call c;
  if (!start(&c, env, info, 14)) return NULL;
  int64_t kind = int_arg(&c, 1), count = int_arg(&c, 2), wOff = int_arg(&c, 3), newOff = int_arg(&c, 4), gOff = int_arg(&c, 5);
  int64_t s1Off = int_arg(&c, 6), s2Off = int_arg(&c, 7);
  double lr = num_arg(&c, 8), p1 = num_arg(&c, 9), p2 = num_arg(&c, 10), p3 = num_arg(&c, 11), c1 = num_arg(&c, 12), c2 = num_arg(&c, 13);
  if (c.failed) return NULL;
  const float *w = region(&c, wOff, count), *g = region(&c, gOff, count);
  float *nw = region(&c, newOff, count), *s1 = region(&c, s1Off, count), *s2 = region(&c, s2Off, count);
  if (c.failed) return NULL;
  const float flr = (float)lr;
  if (kind == 0) {
    for (int64_t i = 0; i < count; i++) nw[i] = w[i] - flr * g[i];
  } else if (kind == 1 && s1) {
    const float m = (float)p1;
    for (int64_t i = 0; i < count; i++) {
      float a = m * s1[i] + g[i];
      s1[i] = a;
      nw[i] = w[i] - flr * (p2 != 0 ? g[i] + a * m : a);
    }
  } else if (kind == 2 && s1 && s2) {
    const float b1 = (float)p1, b2 = (float)p2, eps = (float)p3, fc1 = (float)c1, fc2 = (float)c2;
    for (int64_t i = 0; i < count; i++) {
      float m = s1[i] * b1 + g[i] * (1 - b1), v = s2[i] * b2 + g[i] * g[i] * (1 - b2);
      s1[i] = m;
      s2[i] = v;
      nw[i] = w[i] - flr * ((m / fc1) / (sqrtf(v / fc2) + eps));
    }
  } else {
    fail(&c, "labs_blas.optimizerUpdate: unknown optimizer or missing slot");
    return NULL;
  }
  return undefined(env);
}

/* info(): {blas, threads}. */
static napi_value blas_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, name, nthreads;
  napi_create_object(env, &obj);
  napi_create_string_utf8(env, BLAS_NAME, NAPI_AUTO_LENGTH, &name);
  napi_create_int32(env, threads(), &nthreads);
  napi_set_named_property(env, obj, "blas", name);
  napi_set_named_property(env, obj, "threads", nthreads);
  return obj;
}

/* setThreads(n): how many threads the addon splits its work over (OpenBLAS itself stays on one). */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  Call c;
  if (!start(&c, env, info, 0) || c.argc < 1) { fail(&c, "labs_blas.setThreads(n): n is missing"); return NULL; }
  int64_t n = int_arg(&c, 0);
  if (c.failed) return NULL;
  if (n < 1) { fail(&c, "labs_blas.setThreads: n must be >= 1"); return NULL; }
  threads();
  max_threads = (int)n;
  return undefined(env);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"gemm", NULL, gemm, NULL, NULL, NULL, napi_enumerable, NULL},
    {"conv2d", NULL, conv2d, NULL, NULL, NULL, napi_enumerable, NULL},
    {"conv2dBackpropFilter", NULL, conv2d_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
    {"conv2dBackpropInput", NULL, conv2d_backprop_input, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sumRows", NULL, sum_rows, NULL, NULL, NULL, napi_enumerable, NULL},
    {"maxPoolGrad", NULL, max_pool_grad, NULL, NULL, NULL, napi_enumerable, NULL},
    {"softmaxXent", NULL, softmax_xent, NULL, NULL, NULL, napi_enumerable, NULL},
    {"actGrad", NULL, act_grad, NULL, NULL, NULL, napi_enumerable, NULL},
    {"reluGrad", NULL, relu_grad, NULL, NULL, NULL, napi_enumerable, NULL},
    {"optimizerUpdate", NULL, optimizer_update, NULL, NULL, NULL, napi_enumerable, NULL},
    {"info", NULL, blas_info, NULL, NULL, NULL, napi_enumerable, NULL},
    {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
