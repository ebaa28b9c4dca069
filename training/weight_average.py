"""An exponential moving average of a model's weights over the samples a run has seen (train.py --ema-samples).

Why: in session 19 two restarts from one checkpoint each ended worse than their start on the training subjects
(56.6 and 55.7 against 52.6, training/fit_check.py), missing in opposite directions, while the uniform average of
their weights scored 51.1 (training/README.md). At the schedule's floor (decoder 1e-4, batch 2) the last few
thousand samples move the weights about; averaging over them keeps what the runs share. An average kept within
one run is the same idea without a second run (Polyak and Juditsky 1992; Izmailov et al. 2018, "SWA").

The time constant is in samples, not steps, so a batch-8 run and a batch-2 run average over the same data.
Frozen weights (the filter-manifold network in fine-tuning) stay what they were, to float32 rounding.
"""
import math

import torch


class WeightAverage:
    def __init__(self, model, samples):
        if samples <= 0:
            raise ValueError(f"the average's time constant is a number of samples > 0, not {samples}")
        self.samples = samples
        # float32 copies on the model's device (bf16 autocast leaves the weights float32; a half model would not be)
        self.state = {k: v.detach().clone().float() for k, v in model.state_dict().items() if v.is_floating_point()}

    def update(self, model, batch):
        """Fold in the weights after a step that saw `batch` samples."""
        keep = math.exp(-batch / self.samples)
        with torch.no_grad():
            for k, v in model.state_dict().items():
                if k in self.state:
                    self.state[k].mul_(keep).add_(v.detach().float(), alpha=1.0 - keep)

    def load(self, state):
        missing = set(self.state) ^ set(state)
        if missing:
            raise ValueError(f"the stored weight average does not match the model: {sorted(missing)[:3]}")
        for k, v in state.items():
            self.state[k].copy_(v)
