"""bplib: backpropagation, derived and run.

The small numpy package behind the book *Backpropagation, derived and run*.  Every function
that implements a numbered equation of the book is registered in :data:`bplib.EQUATIONS`
under the equation's label (e.g. ``"eq-bp2"`` → :func:`bplib.hidden_delta`).

matplotlib lives only in :mod:`bplib.plots` and ipywidgets only in :mod:`bplib.widgets`;
import those explicitly.
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
