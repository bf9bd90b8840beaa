"""The hidden layer every network family shares: one matrix product, the activation in place, the read-out.

For n networks of width N with first-layer weights w (n, N, k), inputs X (P, k) (the first-layer scale
folded in), optional biases b0 (n, N) and an optional shift s (P,) (the Gauss normalisation),

    z[m, j, p] = sum_i w[m, j, i] X[p, i] + sigma_b b0[m, j] - s[p],
    f[m, p]    = c sum_j v[m, j] act(z[m, j, p]) + sigma_b b1[m],

with c the read-out scale. A :class:`HiddenLayer` is prepared once for fixed inputs and then evaluates
block after block of networks with the same buffers:

- the families draw their parameters straight into the layer's buffers (:meth:`HiddenLayer.first_layer`,
  :meth:`~HiddenLayer.bias0`, :meth:`~HiddenLayer.readout`, :meth:`~HiddenLayer.bias1`), in the order of
  their random stream; the first-layer weights are component-major (one row per weight component), so
  they are drawn directly into the matrix the product reads;
- the affine map is one matrix product (P, K) x (K, m N) per sub-chunk of m networks (about 2^17
  elements of z, so that z stays in cache). When k is small the biases and the shift are extra rows of
  the weight matrix (a row of b0, a row of ones) and extra columns of the input matrix (sigma_b, -s), so
  they cost nothing. The inner dimension is at least 2 (numpy's product with inner dimension 1 is several
  times slower);
- the activation is applied in place (:mod:`tensornn.networks.activations`);
- the read-out is one batched product (m, P, N) x (m, N, 1).

Everything runs in the layer's dtype (float64 or float32). A network with more layers uses a HiddenLayer as its
first layer and takes the hidden values themselves (:meth:`HiddenLayer.activations`, shape (n, P, N)) to the next
layer instead of the read-out.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidArgumentError

__all__ = ["HiddenLayer", "dense_sampler", "readout_bias_sampler", "prefix_buffer", "SUBCHUNK_ELEMENTS"]

#: Elements of z (or of the weights) of one sub-chunk of networks.
SUBCHUNK_ELEMENTS = 1 << 17
#: Fold the biases and the shift into the product when the weights have at most this many components.
_AUGMENT_MAX_K = 4


def prefix_buffer(store: dict, name, shape, dtype) -> np.ndarray:
    """A C-contiguous array of ``shape``: a prefix of a flat buffer kept in ``store`` that only grows.

    Blocks of different sizes (the last one is shorter) reuse the same memory, and every view is contiguous,
    so the random generators can draw into it.
    """
    size = int(np.prod(shape))
    flat = store.get(name)
    if flat is None or flat.size < size or flat.dtype != dtype:
        flat = store[name] = np.empty(size, dtype)
    return flat[:size].reshape(shape)


class HiddenLayer:
    """One hidden layer on fixed inputs, evaluated for blocks of networks with reused buffers.

    Parameters
    ----------
    inputs : ndarray, shape (P, k)
        The inputs with the first-layer scale folded in (z = w X^T); k = 0 for a layer without weights
        (z is then the bias and the shift alone).
    width : int
        N.
    activation : callable
        Applied in place to z (an :class:`tensornn.networks.activations.Activation`).
    bias_scale : float or None
        sigma_b of b0 and b1; None for a layer without biases.
    shift : ndarray (P,) or None
        Subtracted from z at each input.
    readout_scale : float
        c, multiplying the read-out sum.
    dtype : {float64, float32}
    weights_buffer : bool
        True (default): the first-layer weights are drawn into :meth:`first_layer`; False: every call of
        :meth:`evaluate` gets a builder of them (e.g. from CP factors).

    Notes
    -----
    Call :meth:`prepare` with the number of networks n, draw into the views it hands out
    (:meth:`first_layer`, :meth:`bias0`, :meth:`readout`, :meth:`bias1`; all C-contiguous), then
    :meth:`evaluate`. The first-layer weights are component-major: row i of :meth:`first_layer` holds
    component i of the weight vectors of all n N hidden units, in the order (network, unit).

    Examples
    --------
    >>> from tensornn.networks.activations import get_activation
    >>> layer = HiddenLayer(np.array([[1.0], [2.0]]), width=1, activation=get_activation("linear"))
    >>> layer.prepare(1)
    >>> layer.first_layer()[:] = 3.0
    >>> layer.readout()[:] = 1.0
    >>> layer.evaluate().tolist()
    [[3.0, 6.0]]
    """

    def __init__(self, inputs, *, width, activation, bias_scale=None, shift=None, readout_scale=1.0,
                 dtype=np.float64, weights_buffer=True):
        self.dtype = np.dtype(dtype)
        x = np.asarray(inputs, dtype=self.dtype)
        self.n_inputs, self.k = x.shape
        self.width = int(width)
        self.activation = activation
        self.bias_scale = bias_scale
        self.readout_scale = readout_scale
        self.augment = self.k <= _AUGMENT_MAX_K
        self._buffered = weights_buffer
        self._ones_row = None
        if self.augment:  # input matrix [X, sigma_b, -s, 0...], weight rows [w; b0; 1; 0...]
            columns = [x]
            if bias_scale is not None:
                columns.append(np.full((self.n_inputs, 1), bias_scale, self.dtype))
            if shift is not None:
                self._ones_row = self.k + (bias_scale is not None)
                columns.append(-np.asarray(shift, dtype=self.dtype)[:, None])
            used = sum(c.shape[1] for c in columns)
            if used < 2:
                columns.append(np.zeros((self.n_inputs, 2 - used), self.dtype))
            self._matrix = np.ascontiguousarray(np.concatenate(columns, axis=1))
            self._used_rows = used
        else:
            self._matrix = x
            self._shift = None if shift is None else np.asarray(shift, dtype=self.dtype)[:, None]
        self._sub = int(max(1, SUBCHUNK_ELEMENTS // (self.width * max(self.n_inputs, self.k, 1))))
        self._flat, self.n = {}, 0

    def _view(self, name, *shape):
        return prefix_buffer(self._flat, name, shape, self.dtype)

    def prepare(self, n: int) -> None:
        """Lay out the buffers for a block of ``n`` networks (reusing the memory of earlier blocks)."""
        if n == self.n:
            return
        units = n * self.width
        if self.augment:
            self._rows = self._view("rows", self._matrix.shape[1], units)
            if self._ones_row is not None:
                self._rows[self._ones_row] = 1.0
            self._rows[self._used_rows:] = 0.0
        self._weights = self._view("weights", self.k, units) if self.k and self._buffered and not self.augment \
            else None
        self._b0 = self._view("b0", units) if self.bias_scale is not None and not self.augment else None
        self._readout = self._view("readout", n, self.width)
        self._b1 = self._view("b1", n) if self.bias_scale is not None else None
        self._out = self._view("out", n, self.n_inputs)
        self._z = self._view("z", self.n_inputs * min(n, self._sub) * self.width)
        self.n = n

    # ------------------------------------------------------------------ draw targets (views of the buffers)
    def first_layer(self) -> np.ndarray | None:
        """The first-layer weights of the prepared networks, shape (k, n N), component-major (None when the
        weights are not buffered: :meth:`evaluate` then takes them from its ``weights`` callable)."""
        return self._rows[: self.k] if self.augment else self._weights

    def bias0(self) -> np.ndarray | None:
        """b0 of the prepared networks, shape (n N,), in the order (network, unit); None without biases."""
        return self._rows[self.k] if self.augment else self._b0

    def readout(self) -> np.ndarray:
        """The read-out weights v, shape (n, N)."""
        return self._readout

    def bias1(self) -> np.ndarray | None:
        """b1, shape (n,); None without biases."""
        return self._b1

    # ------------------------------------------------------------------ evaluation
    def _hidden(self, start, stop, weights):
        """act(z) of networks start..stop-1 as a (P, m N) view of the z buffer."""
        width, n_inputs, k = self.width, self.n_inputs, self.k
        c0, c1 = start * width, stop * width
        z = self._z[: n_inputs * (c1 - c0)].reshape(n_inputs, c1 - c0)
        if self.augment:
            rows = self._rows[:, c0:c1]
            if k and weights is not None:
                rows[:k] = weights(start, stop)
            np.matmul(self._matrix, rows, out=z)
        else:
            if weights is not None:
                wt = weights(start, stop)
            elif self._weights is not None:
                wt = self._weights[:, c0:c1]
            else:
                raise InvalidArgumentError("the first-layer weights are not buffered in this layout: pass "
                                           "weights(start, stop) to evaluate")
            np.matmul(self._matrix, wt, out=z)
            if self._shift is not None:
                z -= self._shift
            if self._b0 is not None:
                z += self.bias_scale * self._b0[c0:c1]
        return self.activation(z)

    def activations(self, weights=None, out=None) -> np.ndarray:
        """The hidden values act(z) of the prepared networks, shape (n, P, N), for a network with more layers.

        The draws and the arithmetic are those of :meth:`evaluate` up to the read-out. ``weights`` as there;
        ``out`` an array (n, P, N) of the layer's dtype to fill (a new one when None).
        """
        width, n_inputs, n = self.width, self.n_inputs, self.n
        out = np.empty((n, n_inputs, width), self.dtype) if out is None else out
        with np.errstate(invalid="ignore", over="ignore"):
            for start in range(0, n, self._sub):
                stop = min(n, start + self._sub)
                h = self._hidden(start, stop, weights)
                out[start:stop] = h.reshape(n_inputs, stop - start, width).transpose(1, 0, 2)
        return out

    def conditional_covariance(self, weights=None) -> np.ndarray:
        """The covariance of the outputs given the hidden layer, shape (n, P, P) (a new array).

        Given the first layer the output is Gaussian in the read-out: Cov(f_a, f_b | W) = c^2 sum_j h_ja h_jb
        + sigma_b^2 (the read-out bias). The read-out buffers are not read, so a sampler may draw them or not;
        ``weights`` as in :meth:`evaluate`.
        """
        width, n_inputs, n = self.width, self.n_inputs, self.n
        out = np.empty((n, n_inputs, n_inputs), np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            for start in range(0, n, self._sub):
                stop = min(n, start + self._sub)
                h = self._hidden(start, stop, weights).reshape(n_inputs, stop - start, width).transpose(1, 0, 2)
                h = h.astype(np.float64, copy=False)
                np.matmul(h, h.transpose(0, 2, 1), out=out[start:stop])
            out *= float(self.readout_scale) ** 2
            if self._b1 is not None:
                out += float(self.bias_scale) ** 2
        return out

    def evaluate(self, weights=None) -> np.ndarray:
        """The outputs f of the prepared networks, shape (n, P) (a view, overwritten by the next call).

        ``weights(start, stop)``, if given, returns the first-layer weights of networks start..stop-1 as a
        (k, m N) component-major matrix instead of the buffer (e.g. built from CP factors one sub-chunk at
        a time).
        """
        width, n_inputs, n = self.width, self.n_inputs, self.n
        out = self._out
        with np.errstate(invalid="ignore", over="ignore"):  # overflowed Exp-nets give inf/NaN, reported by status
            for start in range(0, n, self._sub):
                stop = min(n, start + self._sub)
                m = stop - start
                h = self._hidden(start, stop, weights)
                np.matmul(h.reshape(n_inputs, m, width).transpose(1, 0, 2), self._readout[start:stop, :, None],
                          out=out[start:stop, :, None])
            if self.readout_scale != 1.0:
                out *= self.readout_scale
            if self._b1 is not None:
                out += (self.bias_scale * self._b1)[:, None]
        return out


def readout_bias_sampler(n_inputs, bias_scale, dtype, conditional: bool = False):
    """The sampler of networks whose read-out scale is 0: f = b1 (drawn only when ``bias_scale``), shape (n, P);
    ``conditional``: the covariance given the (absent) hidden layer, sigma_b^2 everywhere, shape (n, P, P)."""

    def sample(n, rng):
        out = np.zeros((n, n_inputs), dtype)
        if bias_scale is not None:
            out += (bias_scale * rng.standard_normal(n, dtype=dtype))[:, None]
        if conditional:
            return np.full((n, n_inputs, n_inputs), 0.0 if bias_scale is None else float(bias_scale) ** 2)
        return out

    return sample


def dense_sampler(inputs, *, width, activation, bias_scale, shift, readout_scale, dtype, conditional=False):
    """``sample(n, rng) -> f (n, P)`` for one-hidden-layer networks with iid standard-normal dense weights.

    The draws, each for all n networks at once: W0 component-major (k, n, N) (the same numbers as (n, N, k)
    when k = 1), b0 (n, N) (when ``bias_scale`` is not None), W1 (n, N), b1 (n); only b1 when
    ``readout_scale`` is 0. ``inputs`` (P, k) carry the first-layer scale. The returned array is
    overwritten by the next call. ``conditional``: the same draws, and the covariance of the outputs given
    the hidden layer instead of the outputs, shape (n, P, P) (:meth:`HiddenLayer.conditional_covariance`).
    """
    if readout_scale == 0.0:
        return readout_bias_sampler(len(inputs), bias_scale, dtype, conditional)
    layer = HiddenLayer(inputs, width=width, activation=activation, bias_scale=bias_scale, shift=shift,
                        readout_scale=readout_scale, dtype=dtype)
    bias = bias_scale is not None

    def sample(n, rng):
        layer.prepare(n)
        rng.standard_normal(out=layer.first_layer(), dtype=dtype)
        if bias:
            rng.standard_normal(out=layer.bias0(), dtype=dtype)
        rng.standard_normal(out=layer.readout(), dtype=dtype)
        if bias:
            rng.standard_normal(out=layer.bias1(), dtype=dtype)
        return layer.conditional_covariance() if conditional else layer.evaluate()

    return sample
