"""Deep-learning tools for imbalanced materials data (Part V of the book).

PyTorch is imported only inside this subpackage. Modules, one job each:

* :mod:`~imbalkit.deep.training` - a small device-aware training loop (CPU or CUDA,
  mixed precision on CUDA only, gradient accumulation, weighted sampling);
* :mod:`~imbalkit.deep.encoder` - the composition encoder (an MLP on Magpie features),
  saving and loading its weights;
* :mod:`~imbalkit.deep.pretrain` - the reproducible pre-training script
  (``python -m imbalkit.deep.pretrain``);
* :mod:`~imbalkit.deep.finetune` - linear probe, full fine-tune, decoupled classifier
  re-training and two-phase training;
* :mod:`~imbalkit.deep.ewc` - Elastic Weight Consolidation;
* :mod:`~imbalkit.deep.multitask` - fixed and uncertainty-weighted multi-task losses;
* :mod:`~imbalkit.deep.audits` - latent-space audits;
* :mod:`~imbalkit.deep.vae` and :mod:`~imbalkit.deep.synthetic` - generative minority
  synthesis and its honest validation;
* :mod:`~imbalkit.deep.micrographs` and :mod:`~imbalkit.deep.segmentation` - simulated
  micrographs and rare-phase segmentation losses;
* :mod:`~imbalkit.deep.budget` - memory-mapped features and batch-size bookkeeping.
"""
