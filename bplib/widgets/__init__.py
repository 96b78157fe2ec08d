"""Interactive exercises (ipywidgets is imported only in this package).

Each widget's computation is a plain function in bplib that the tests call with fixed inputs;
the widgets here only connect sliders to it and redraw.
"""
from .descent import *  # noqa: F401,F403
from .chain import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .gradcheck import *  # noqa: F401,F403
from .classification import *  # noqa: F401,F403
from .deep import *  # noqa: F401,F403
from .normalisation import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .tensor import *  # noqa: F401,F403
