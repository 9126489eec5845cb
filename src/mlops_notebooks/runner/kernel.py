"""A Jupyter kernel for the running interpreter, so runs work with no ``--kernel``.

Committed notebooks name the neutral ``python3`` kernel. Which Python that resolves to depends on
the machine; the runner instead uses a kernelspec whose ``argv[0]`` is ``sys.executable``,
installing one into the environment (``--sys-prefix``) the first time.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

__all__ = ["KERNEL_NAME", "check_kernel", "ensure_kernel"]

KERNEL_NAME = "mlops-notebooks"


def _same_interpreter(argv0: str) -> bool:
    try:
        return Path(argv0).resolve() == Path(sys.executable).resolve() or os.path.samefile(
            argv0, sys.executable
        )
    except OSError:
        return False


def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """Return the name of a kernelspec that runs ``sys.executable``, installing it if needed.

    Parameters
    ----------
    name : str, default "mlops-notebooks"
        Preferred kernel name. If a kernel of that name exists but runs another interpreter,
        a name suffixed with a hash of ``sys.prefix`` is used instead.

    Returns
    -------
    str
        The kernel name to pass to papermill.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    candidates = [name, f"{name}-{hashlib.sha1(sys.prefix.encode()).hexdigest()[:8]}"]
    for candidate in candidates:
        try:
            spec = manager.get_kernel_spec(candidate)
        except NoSuchKernel:
            _install(candidate)
            return candidate
        if spec.argv and _same_interpreter(spec.argv[0]):
            return candidate
    _install(candidates[-1])
    return candidates[-1]


def check_kernel(name: str) -> str:
    """Return ``name`` if a Jupyter kernelspec of that name is installed.

    Raises
    ------
    UnknownNameError
        Listing the installed kernels, before any run folder is made.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    from mlops_notebooks.errors import UnknownNameError

    installed = tuple(sorted(KernelSpecManager().find_kernel_specs()))
    if name not in installed:
        raise UnknownNameError(name, installed, what="Jupyter kernel")
    return name


def _install(name: str) -> None:
    from ipykernel.kernelspec import install

    display = f"Python ({Path(sys.prefix).name})"
    try:
        install(kernel_name=name, display_name=display, prefix=sys.prefix)
    except PermissionError:
        install(kernel_name=name, display_name=display, user=True)
