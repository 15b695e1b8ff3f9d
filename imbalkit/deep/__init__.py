"""Deep-learning tools for imbalanced materials data (Part V of the book).

PyTorch is imported only inside this subpackage (``import imbalkit`` and every module outside
it never import torch). Modules, one job each:

* :mod:`~imbalkit.deep.training` - the one training loop used by everything below (seeding,
  batching, CPU or CUDA with mixed precision on CUDA only, gradient accumulation, loss weights,
  weighted / class-balanced sampling, early stopping, progress bar);
* :mod:`~imbalkit.deep.losses` - focal loss, weighted cross-entropy, logit adjustment,
  weighted MSE and Balanced MSE;
* :mod:`~imbalkit.deep.estimators` - ``TorchMLPClassifier`` and ``TorchMLPRegressor``
  (scikit-learn API, usable inside cross-validation);
* :mod:`~imbalkit.deep.encoder` - the composition encoder (an MLP on Magpie features),
  saving and loading its weights;
* :mod:`~imbalkit.deep.pretrain` - the reproducible pre-training script
  (``python -m imbalkit.deep.pretrain``);
* :mod:`~imbalkit.deep.finetune` - linear probe, full fine-tune, decoupled classifier
  re-training and two-phase training;
* :mod:`~imbalkit.deep.ewc` - Elastic Weight Consolidation;
* :mod:`~imbalkit.deep.crystal_forgetting` - forgetting of a pre-trained CGCNN (old-head drift,
  label-free Fisher, distillation replay);
* :mod:`~imbalkit.deep.multitask` - fixed and uncertainty-weighted multi-task losses;
* :mod:`~imbalkit.deep.audits` - latent-space audits;
* :mod:`~imbalkit.deep.vae` and :mod:`~imbalkit.deep.synthetic` - generative minority
  synthesis and its honest validation;
* :mod:`~imbalkit.deep.micrographs` and :mod:`~imbalkit.deep.segmentation` - simulated
  micrographs and rare-phase segmentation losses;
* :mod:`~imbalkit.deep.budget` - memory-mapped features and batch-size bookkeeping.
"""
