"""Figures of the book (matplotlib is imported only in this package).

Every function draws on a given or new Axes, labels its axes and returns the Axes or Figure.
"""
from .descent import *  # noqa: F401,F403
from .chain import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .gradcheck import *  # noqa: F401,F403
from .classification import *  # noqa: F401,F403
from .deep import *  # noqa: F401,F403
from .normalisation import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .graph_diagram import *  # noqa: F401,F403
from .network_diagram import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .tensor import *  # noqa: F401,F403
