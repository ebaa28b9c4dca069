"""pytest setup for training/: import the modules by name and keep torch to one thread (the box is shared)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

torch.set_num_threads(1)
