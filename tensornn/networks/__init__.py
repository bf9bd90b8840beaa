"""Network ensembles: activations and kernels, the scalar, block and CP networks, sampling and checkpoints.

One vocabulary for every family (:mod:`.spec`): ``sigma_w`` the first layer, ``sigma_v`` the read-out
(default sigma_w), biases present exactly when ``sigma_b > 0``, ``width`` N and ``n_networks``. Every family is
a model (:mod:`.model`): it samples and answers for its theory (kernel, exact and leading G4c, pattern space,
exact couplings, moments), and the registry ``get_model(name, **params)`` builds it by name. Every activation
carries its kernel map (:mod:`.activations`).
"""

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "Activation": ".activations",
        "ACTIVATIONS": ".activations",
        "activation_names": ".activations",
        "get_activation": ".activations",
        "register_activation": ".activations",
        "unregister_activation": ".activations",
        "pair_expectation": ".gaussian",
        "gaussian_expectation": ".gaussian",
        "quadrature_kernel_map": ".gaussian",
        "Model": ".model",
        "ModelBase": ".model",
        "MODELS": ".model",
        "get_model": ".model",
        "model_names": ".model",
        "register_model": ".model",
        "unregister_model": ".model",
        "kernel": ".kernels",
        "kernel_w": ".kernels",
        "preactivation_covariance": ".kernels",
        "gauss_fourier": ".kernels",
        "GaussFourier": ".kernels",
        "NetworkSpec": ".spec",
        "ScalarNetwork": ".scalar",
        "BlockGaussNetwork": ".blocks",
        "BlockKinetic": ".blocks",
        "block_gauss_kernel": ".blocks",
        "block_kinetic_coefficients": ".blocks",
        "StructuredNetwork": ".cp",
        "STRUCTURED_ACTIVATIONS": ".cp",
        "sample_ensemble": ".sampling",
        "EnsembleMoments": ".sampling",
        "default_tuples": ".sampling",
        "DEFAULT_BLOCK_SIZE": ".sampling",
        "DEFAULT_N_GROUPS": ".sampling",
    },
)
