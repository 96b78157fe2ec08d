"""bplib: backpropagation, derived and run.

The small numpy package behind the book *Backpropagation, derived and run*.  Every function
that implements a numbered equation of the book is registered in :data:`bplib.EQUATIONS`
under the equation's label (e.g. ``"eq-bp2"`` → :func:`bplib.hidden_delta`).

matplotlib lives only in :mod:`bplib.plots` and ipywidgets only in :mod:`bplib.widgets`;
import those explicitly.

Input handling
--------------
Every public function checks its arguments before it computes, and answers each kind of bad
input the same way everywhere: an exception whose message starts with the name of the argument
the caller passed and says what it accepts and what it got.  ``ValueError`` is a value of the
right kind that is not allowed, ``TypeError`` a value of the wrong kind.  No function modifies
the arrays it is given; only ``MLP.update``, ``MLP.set_params`` and ``train`` change the
network they are given, and a rejected call leaves it unchanged.

=================================  ===========================================================
category                           answer
=================================  ===========================================================
wrong rank                         ValueError with the expected and received shape; 1-D is
                                   never reshaped into a batch, nothing is broadcast
wrong width, mismatched rows       ValueError with both shapes
empty batch (0 rows or columns)    ValueError "X: empty batch …" (the argument's own name);
                                   elementwise activations accept empty arrays
NaN or inf                         ValueError with the count, for data, targets, parameters
                                   (``set_params``), gradients given to ``update`` and step
                                   sizes; activations, softmax and the four equations are
                                   plain arithmetic and pass NaN/inf through like numpy
overflow from finite input         ValueError naming X from ``MLP.loss``/``MLP.gradients``
                                   (e.g. an identity network on 1e200), no RuntimeWarning;
                                   ``train`` reports it as ``TrainingDiverged``
underflow                          never an error or warning, even inside
                                   ``np.errstate(all="raise")``: the result rounds to 0
text, None, objects, complex       TypeError
bool or integer arrays             accepted, converted to float64 (a bool mask is 0/1 data)
bool where a number is meant       TypeError (``lr=True``, ``init=True``, ``l2=True``);
                                   for counts see below
lists, tuples, array-likes         accepted, converted to a new float array; a ragged list
                                   (rows of different lengths) is a ValueError naming it
upstream gradients of Part V       must have the exact shape of the forward's output
(``g``, ``dY``, ``dH``, ``dO``)    (ValueError with both shapes; ``add_vjp`` also accepts a
                                   shape the output broadcasts to); NaN passes through
masked arrays                      TypeError if any entry is masked (the mask would be
                                   ignored); without masked entries, plain data
out-of-range values                ValueError with the range and the value (targets outside
                                   [0, 1] for cross-entropy, labels ≥ n_classes, lr ≤ 0,
                                   l2 < 0, seed < 0, a layer outside 1 … L)
unknown names                      ValueError listing the valid names (activation, loss,
                                   init, dtype, scheme)
wrong hyper-parameter types        TypeError naming what is accepted (``lr="0.1"``,
                                   ``l2=None``, ``seed=1.5``, ``rng=RandomState``); counts
                                   such as ``epochs=1.5`` raise ``CountTypeError``, a
                                   TypeError that is also a ValueError
non-callables, non-networks        TypeError (``f``, ``track`` callbacks, ``net``)
attention masks                    bool only (True = may attend): a float or text mask is a
                                   TypeError, a fully masked row a ValueError
=================================  ===========================================================
"""
from .registry import *  # noqa: F401,F403
from .activations import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .regularization import *  # noqa: F401,F403
from .equations import *  # noqa: F401,F403
from .mlp import *  # noqa: F401,F403
from .gradcheck import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .datasets import *  # noqa: F401,F403
from .descent import *  # noqa: F401,F403
from .chain import *  # noqa: F401,F403
from .index_form import *  # noqa: F401,F403
from .gradient_bugs import *  # noqa: F401,F403
from .metrics import *  # noqa: F401,F403
from .diagnostics import *  # noqa: F401,F403
from .engine import *  # noqa: F401,F403
from .opcount import *  # noqa: F401,F403
from .tensor import *  # noqa: F401,F403
from .tensor_tools import *  # noqa: F401,F403
from .memory import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .cnn import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .normalisation import *  # noqa: F401,F403
from .residual import *  # noqa: F401,F403
from .residual_experiments import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
from .retrieval import *  # noqa: F401,F403
from .sequences import *  # noqa: F401,F403

__version__ = "1.0.0"
