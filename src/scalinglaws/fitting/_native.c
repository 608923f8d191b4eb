/*
 * scalinglaws._native: the compiled kernel of the Approach-3 fitting engine.
 *
 * One function, lbfgs(), runs the same per-start L-BFGS as scalinglaws.fitting.engine.batched_lbfgs
 * (two-loop recursion with m history pairs, Armijo backtracking by halving, scipy L-BFGS-B's
 * default stopping rules) on every start of a batch, for the summed Huber objective of
 * log-loss residuals of L(N, D) = E + A/N^alpha + B/D^beta in log space:
 *
 *     f(theta) = scale * sum_i w_i Huber_delta(log(exp(a - alpha n_i) + exp(b - beta d_i) + exp(e)) - y_i)
 *
 * with n = log N, d = log D, y = log L and theta = (a, b, e, alpha, beta).
 *
 * Why C: the numpy engine is bound by memory passes and per-call overhead (about 3.5 us per
 * start and evaluation on Chinchilla's 240 points). Here one fused loop per evaluation runs 8
 * (AVX-512) or 4 (AVX2) points at a time with the vectorisable exp and log below, about 1 us,
 * the L-BFGS bookkeeping costs nothing next to it, and the starts are shared between threads.
 * Every start is computed on its own, in a fixed order, so the result does not depend on the
 * number of threads. The instruction set is picked at run time (one clone per level), so the
 * last bits of a result can differ between an AVX-512 and an AVX2 machine.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64)) && defined(__linux__) && \
    !defined(__clang__)
/* one clone per instruction set; the loader picks the best one the CPU has */
#define SL_CLONES \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SL_CLONES
#endif

#define NPAR 5
#define MAXM 64
/* The first trial step of an iteration is at most STEP_GROWTH times as long as the previous
 * accepted step. On this nearly piecewise-linear objective the L-BFGS scaling s'y/y'y can blow
 * up where the gradient barely changes, and a step thousands of times too long then costs a
 * dozen or more halvings; the cap removes about a seventh of all objective evaluations. */
#define STEP_GROWTH 100.0

typedef struct {
    Py_ssize_t P;
    const double *n, *d, *y;
    double delta, scale;
} problem_t;

/* ---------------------------------------------------------------------------------------------
 * exp and log that the compiler can vectorise.
 *
 * libm's exp and log are scalar calls; inside the point loop they would stop vectorisation.
 * These two use only arithmetic and bit operations, so the loop below runs 8 (AVX-512) or 4
 * (AVX2) points at a time. Accuracy (checked by tests/test_native.py against numpy over the
 * whole range used): exp within 1 ulp on [EXP_LO, EXP_HI], log within 2 ulp on normal numbers.
 * ------------------------------------------------------------------------------------------- */
#define EXP_HI 709.0
#define EXP_LO (-704.0)
#define SHIFT 6755399441055744.0 /* 1.5 * 2^52: adding it rounds to an integer */
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10

static inline int64_t as_bits(double x)
{
    int64_t i;
    memcpy(&i, &x, sizeof i);
    return i;
}

static inline double from_bits(int64_t i)
{
    double x;
    memcpy(&x, &i, sizeof x);
    return x;
}

/* exp(x) for x in [EXP_LO, EXP_HI]: x = k ln2 + r with |r| <= ln2/2, exp(r) by a degree-11
 * polynomial (Chebyshev interpolation of exp on [-ln2/2, ln2/2], error below 2e-16 in double
 * arithmetic), times 2^k by adding k to the exponent bits */
static inline double vexp(double x)
{
    double kd = x * 1.4426950408889634 + SHIFT;
    double k = kd - SHIFT;
    int64_t ki = as_bits(kd) - as_bits(SHIFT);
    double r = (x - k * LN2_HI) - k * LN2_LO;
    double p = 2.5110037605963777e-08;
    p = p * r + 2.763263963904103e-07;
    p = p * r + 2.755724091857897e-06;
    p = p * r + 2.4801485482328494e-05;
    p = p * r + 0.00019841269890047113;
    p = p * r + 0.0013888888952314775;
    p = p * r + 0.008333333333319601;
    p = p * r + 0.0416666666664881;
    p = p * r + 0.1666666666666668;
    p = p * r + 0.5000000000000019;
    p = p * r + 1.0;
    p = p * r + 1.0;
    return from_bits(as_bits(p) + ki * ((int64_t)1 << 52));
}

/* log(x) and 1/x for a positive normal x, with one division for both: x = 2^k m with m in
 * [sqrt(1/2), sqrt(2)), log m = 2 atanh(z) with z = (m - 1)/(m + 1), |z| < 0.172, and
 * atanh(z)/z = 1 + w Q(w), w = z^2, Q of degree 6 (Chebyshev interpolation, error below
 * 3e-16). q = 1/(x (m + 1)) gives z = (m - 1) x q and 1/x = (m + 1) q. */
static inline double vlog_inv(double x, double *inv)
{
    int64_t ix = as_bits(x);
    int64_t k = (ix - as_bits(0.70710678118654752440)) >> 52;
    double m = from_bits(ix - k * ((int64_t)1 << 52));
    double kd = from_bits(k + as_bits(SHIFT)) - SHIFT;
    double q = 1.0 / (x * (m + 1.0));
    *inv = (m + 1.0) * q;
    double z = (m - 1.0) * (x * q);
    double w = z * z;
    double p = 0.07308293382136713;
    p = p * w + 0.076658552450617;
    p = p * w + 0.09091444730192845;
    p = p * w + 0.11111105565088364;
    p = p * w + 0.1428571431300199;
    p = p * w + 0.1999999999994972;
    p = p * w + 0.3333333333333335;
    return kd * LN2_HI + (2.0 * z + (2.0 * z * w * p + kd * LN2_LO));
}

#define CLAMP(x) ((x) > EXP_HI ? EXP_HI : ((x) < EXP_LO ? EXP_LO : (x)))

/* One point's contribution; W is 1.0 or the point's weight. Exponents are clamped to
 * [EXP_LO, EXP_HI] for vexp; the largest one is tracked so that an overflow (above EXP_HI, where
 * exp(x) exceeds 8e307) makes the objective +inf, as in the numpy engine. Below EXP_LO a term is
 * exp(EXP_LO) ~ 5e-306 instead of a subnormal or 0: no change to s = t1 + t2 + E unless E is
 * itself below about 1e-290. */
#define POINT(W)                                                                                \
    {                                                                                           \
        double x1 = a - al * n[i], x2 = b - be * d[i];                                          \
        mx = mx > x1 ? mx : x1;                                                                 \
        mx = mx > x2 ? mx : x2;                                                                 \
        double t1 = vexp(CLAMP(x1)), t2 = vexp(CLAMP(x2));                                      \
        double s = t1 + t2 + E;                                                                 \
        double inv_s;                                                                           \
        double r = vlog_inv(s, &inv_s) - y[i];                                                  \
        double c = r < -delta ? -delta : (r > delta ? delta : r);                               \
        f += (W) * (c * (r - 0.5 * c));                                                         \
        c = (W) * c * inv_s;                                                                    \
        double q1 = c * t1, q2 = c * t2;                                                        \
        g0 += q1;                                                                               \
        g3 += q1 * n[i];                                                                        \
        g1 += q2;                                                                               \
        g4 += q2 * d[i];                                                                        \
        g2 += c;                                                                                \
    }

/* objective and gradient at th for one start; w (length P) may be NULL */
SL_CLONES
static double fg(const problem_t *pb, const double *w, const double *th, double *g)
{
    for (int k = 0; k < NPAR; k++) {
        if (!isfinite(th[k])) {
            for (int j = 0; j < NPAR; j++) g[j] = NAN;
            return NAN;
        }
    }
    const double a = th[0], b = th[1], e = th[2], al = th[3], be = th[4];
    const double delta = pb->delta;
    const double *n = pb->n, *d = pb->d, *y = pb->y;
    const Py_ssize_t P = pb->P;
    const double E = vexp(CLAMP(e));
    double f = 0.0, g0 = 0.0, g1 = 0.0, g2 = 0.0, g3 = 0.0, g4 = 0.0, mx = e;
    if (w) {
#pragma omp simd reduction(+ : f, g0, g1, g2, g3, g4) reduction(max : mx)
        for (Py_ssize_t i = 0; i < P; i++) POINT(w[i])
    } else {
#pragma omp simd reduction(+ : f, g0, g1, g2, g3, g4) reduction(max : mx)
        for (Py_ssize_t i = 0; i < P; i++) POINT(1.0)
    }
    if (mx > EXP_HI) f = INFINITY;
    const double sc = pb->scale;
    g[0] = sc * g0;
    g[1] = sc * g1;
    g[2] = sc * (g2 * E);
    g[3] = -sc * g3;
    g[4] = -sc * g4;
    return sc * f;
}

static inline double dot5(const double *u, const double *v)
{
    return u[0] * v[0] + u[1] * v[1] + u[2] * v[2] + u[3] * v[3] + u[4] * v[4];
}

static inline double maxabs5(const double *u)
{
    double m = 0.0;
    for (int k = 0; k < NPAR; k++) {
        double v = fabs(u[k]);
        if (!(v <= m)) m = v; /* NaN propagates */
    }
    return m;
}

static inline int finite5(const double *u)
{
    for (int k = 0; k < NPAR; k++)
        if (!isfinite(u[k])) return 0;
    return 1;
}

/* L-BFGS on one start; x in/out. Returns status 0 converged, 1 maxiter, 2 line search failed
 * or non-finite start. */
static int lbfgs_one(const problem_t *pb, const double *w, double *x, double *f_out,
                     int64_t *nit_out, int64_t *nfev_out, int m, long maxiter, double ftol,
                     double gtol)
{
    double g[NPAR], xn[NPAR], gn[NPAR], d[NPAR], q[NPAR], xp[NPAR], gp[NPAR];
    double sh[MAXM][NPAR], yh[MAXM][NPAR], rho[MAXM], alph[MAXM];
    int count = 0, head = 0; /* ring buffer: newest at (head - 1) mod m */
    int fresh = 1, have_prev = 0;
    double prev_len = 0.0;
    int64_t nit = 0, nfev = 1;
    double f = fg(pb, w, x, g);
    *f_out = f;
    *nit_out = 0;
    *nfev_out = 1;
    if (!(isfinite(f) && finite5(g))) return 2;
    if (maxabs5(g) <= gtol) return 0;
    for (long it = 0; it < maxiter; it++) {
        /* two-loop recursion */
        memcpy(q, g, sizeof q);
        for (int j = 0; j < count; j++) {
            int s = (head - 1 - j + m) % m;
            double aj = rho[s] * dot5(sh[s], q);
            alph[s] = aj;
            for (int k = 0; k < NPAR; k++) q[k] -= aj * yh[s][k];
        }
        double gamma = 1.0;
        if (count > 0) {
            int s = (head - 1 + m) % m;
            double yy = dot5(yh[s], yh[s]);
            if (yy > 0) gamma = dot5(sh[s], yh[s]) / yy;
        }
        for (int k = 0; k < NPAR; k++) q[k] *= gamma;
        for (int j = count - 1; j >= 0; j--) {
            int s = (head - 1 - j + m) % m;
            double bj = rho[s] * dot5(yh[s], q);
            for (int k = 0; k < NPAR; k++) q[k] += sh[s][k] * (alph[s] - bj);
        }
        for (int k = 0; k < NPAR; k++) d[k] = -q[k];
        double slope = dot5(d, g);
        if (!(slope < 0) || !finite5(d) || fresh) {
            /* steepest descent with a first step of unit max-norm; forget the history */
            double gm = maxabs5(g);
            if (gm < 1e-300) gm = 1e-300;
            for (int k = 0; k < NPAR; k++) d[k] = -g[k] / gm;
            slope = dot5(d, g);
            count = 0;
            head = 0;
        }
        /* backtracking line search: t = t0, t0/2, ... (60 trials), t0 = 1 or the cap */
        double fnew = INFINITY, t = 1.0;
        if (have_prev) {
            double dn = sqrt(dot5(d, d));
            if (dn > STEP_GROWTH * prev_len) t = STEP_GROWTH * prev_len / dn;
        }
        for (int ls = 0; ls < 60; ls++) {
            if (ls) t *= 0.5;
            for (int k = 0; k < NPAR; k++) xp[k] = x[k] + t * d[k];
            double fs = fg(pb, w, xp, gp);
            nfev++;
            if (isfinite(fs) && fs <= f + 1e-4 * t * slope) {
                fnew = fs;
                memcpy(xn, xp, sizeof xn);
                memcpy(gn, gp, sizeof gn);
                break;
            }
        }
        int ok = isfinite(fnew);
        if (!ok) break; /* line search failed: keep x, f */
        double sv[NPAR], yv[NPAR];
        for (int k = 0; k < NPAR; k++) {
            sv[k] = xn[k] - x[k];
            yv[k] = gn[k] - g[k];
        }
        double sy = dot5(sv, yv);
        prev_len = sqrt(dot5(sv, sv));
        have_prev = 1;
        int upd = sy > 1e-12 * sqrt(dot5(sv, sv)) * sqrt(dot5(yv, yv));
        if (upd) {
            memcpy(sh[head], sv, sizeof sv);
            memcpy(yh[head], yv, sizeof yv);
            rho[head] = 1.0 / sy;
            head = (head + 1) % m;
            if (count < m) count++;
        }
        fresh = !upd && count == 0;
        double den = fabs(f) > fabs(fnew) ? fabs(f) : fabs(fnew);
        if (den < 1.0) den = 1.0;
        double rel = (f - fnew) / den;
        nit++;
        memcpy(x, xn, sizeof xn);
        memcpy(g, gn, sizeof gn);
        f = fnew;
        if (rel <= ftol || maxabs5(g) <= gtol) {
            *f_out = f;
            *nit_out = nit;
            *nfev_out = nfev;
            return 0;
        }
    }
    *f_out = f;
    *nit_out = nit;
    *nfev_out = nfev;
    return nit >= maxiter ? 1 : 2;
}

/* Acquire a C-contiguous buffer of exactly n items of the given kind ('d' float64, 'i' int64). */
static int get_buffer(PyObject *obj, Py_buffer *view, int writable, char kind, Py_ssize_t n,
                      const char *name)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) return -1;
    const char *fmt = view->format ? view->format : "B";
    if (fmt[0] == '<' || fmt[0] == '=' || fmt[0] == '@') fmt++;
    int ok = view->itemsize == 8 && view->len == n * 8 &&
             (kind == 'd' ? strcmp(fmt, "d") == 0
                          : (strcmp(fmt, "l") == 0 || strcmp(fmt, "q") == 0));
    if (!ok) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd C-contiguous %s", name, n,
                     kind == 'd' ? "float64 values" : "int64 values");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static Py_ssize_t n_items(PyObject *obj, Py_ssize_t per_item)
{
    Py_buffer probe;
    if (PyObject_GetBuffer(obj, &probe, PyBUF_SIMPLE) < 0) return -1;
    Py_ssize_t n = probe.len / per_item;
    PyBuffer_Release(&probe);
    return n;
}

PyDoc_STRVAR(lbfgs_doc,
             "lbfgs(X, F, NIT, NFEV, STATUS, n, d, y, W, delta, scale, m, maxiter, ftol, gtol, "
             "nthreads)\n\n"
             "Run L-BFGS from every row of X (S x 5 float64, overwritten by the end points).\n"
             "F (S float64) receives the objective; NIT, NFEV and STATUS (S int64) the iterations,\n"
             "objective evaluations and status (0 converged, 1 maxiter, 2 line search failed or\n"
             "non-finite start). n, d, y: log N, log D, log L (P float64). W: S x P float64\n"
             "per-start point weights, or None.");

static PyObject *py_lbfgs(PyObject *self, PyObject *args)
{
    PyObject *obj[9];
    double delta, scale, ftol, gtol;
    int m, nthreads;
    long maxiter;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOOOOOOOddilddi", &obj[0], &obj[1], &obj[2], &obj[3], &obj[4],
                          &obj[5], &obj[6], &obj[7], &obj[8], &delta, &scale, &m, &maxiter,
                          &ftol, &gtol, &nthreads))
        return NULL;
    if (m < 1 || m > MAXM) return PyErr_Format(PyExc_ValueError, "m must be in 1..%d", MAXM);
    Py_ssize_t S = n_items(obj[0], NPAR * 8), P = n_items(obj[5], 8);
    if (S < 0 || P < 0) return NULL;
    static const char *names[9] = {"X", "F", "NIT", "NFEV", "STATUS", "n", "d", "y", "W"};
    const char kinds[9] = {'d', 'd', 'i', 'i', 'i', 'd', 'd', 'd', 'd'};
    const Py_ssize_t sizes[9] = {S * NPAR, S, S, S, S, P, P, P, S * P};
    Py_buffer buf[9];
    int got = 0, has_w = obj[8] != Py_None;
    for (; got < (has_w ? 9 : 8); got++) {
        if (get_buffer(obj[got], &buf[got], got < 5, kinds[got], sizes[got], names[got]) < 0) {
            for (int k = 0; k < got; k++) PyBuffer_Release(&buf[k]);
            return NULL;
        }
    }
    problem_t pb = {P, (const double *)buf[5].buf, (const double *)buf[6].buf,
                    (const double *)buf[7].buf, delta, scale};
    double *X = (double *)buf[0].buf, *F = (double *)buf[1].buf;
    int64_t *NIT = (int64_t *)buf[2].buf, *NFEV = (int64_t *)buf[3].buf;
    int64_t *ST = (int64_t *)buf[4].buf;
    const double *W = has_w ? (const double *)buf[8].buf : NULL;
    if (nthreads < 1) nthreads = 1;
    Py_BEGIN_ALLOW_THREADS
#pragma omp parallel for schedule(dynamic, 4) num_threads(nthreads)
    for (Py_ssize_t s = 0; s < S; s++) {
        ST[s] = lbfgs_one(&pb, W ? W + s * P : NULL, X + s * NPAR, F + s, NIT + s, NFEV + s, m,
                          maxiter, ftol, gtol);
    }
    Py_END_ALLOW_THREADS
    for (int k = 0; k < got; k++) PyBuffer_Release(&buf[k]);
    Py_RETURN_NONE;
}

static PyObject *py_fg(PyObject *self, PyObject *args)
{
    /* objective and gradient of one parameter vector, optionally weighted */
    PyObject *obj[5];
    double delta;
    (void)self;
    obj[4] = Py_None;
    if (!PyArg_ParseTuple(args, "OOOOd|O", &obj[0], &obj[1], &obj[2], &obj[3], &delta, &obj[4]))
        return NULL;
    Py_ssize_t P = n_items(obj[1], 8);
    if (P < 0) return NULL;
    static const char *names[5] = {"theta", "n", "d", "y", "w"};
    const Py_ssize_t sizes[5] = {NPAR, P, P, P, P};
    Py_buffer buf[5];
    int got = 0, has_w = obj[4] != Py_None;
    for (; got < (has_w ? 5 : 4); got++) {
        if (get_buffer(obj[got], &buf[got], 0, 'd', sizes[got], names[got]) < 0) {
            for (int k = 0; k < got; k++) PyBuffer_Release(&buf[k]);
            return NULL;
        }
    }
    problem_t pb = {P, (const double *)buf[1].buf, (const double *)buf[2].buf,
                    (const double *)buf[3].buf, delta, 1.0};
    double g[NPAR];
    double f = fg(&pb, has_w ? (const double *)buf[4].buf : NULL, (const double *)buf[0].buf, g);
    for (int k = 0; k < got; k++) PyBuffer_Release(&buf[k]);
    return Py_BuildValue("d(ddddd)", f, g[0], g[1], g[2], g[3], g[4]);
}

static PyObject *py_max_threads(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
#ifdef _OPENMP
    return PyLong_FromLong(omp_get_num_procs());
#else
    return PyLong_FromLong(1);
#endif
}

static PyMethodDef methods[] = {
    {"lbfgs", py_lbfgs, METH_VARARGS, lbfgs_doc},
    {"fg", py_fg, METH_VARARGS,
     "fg(theta, n, d, y, delta, w=None) -> (f, (g0, ..., g4)): the summed (weighted) Huber\n"
     "objective and its gradient at one parameter vector, as the L-BFGS kernel computes them."},
    {"max_threads", py_max_threads, METH_NOARGS, "Processors OpenMP can use (1 without it)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef moddef = {PyModuleDef_HEAD_INIT, "_native",
                                    "Compiled kernel of the Approach-3 fitting engine.", -1,
                                    methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&moddef); }
