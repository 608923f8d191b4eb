"""Build the optional compiled kernel of the fitting engine (``scalinglaws.fitting._native``).

Everything else is configured in pyproject.toml. The extension is optional: without a C compiler
(or off Linux/x86-64 with GCC) the package installs and falls back to the numpy engine.
"""

import platform
import sys

from setuptools import Extension, setup

gcc_x86_linux = sys.platform.startswith("linux") and platform.machine() in ("x86_64", "AMD64")
native = Extension(
    "scalinglaws.fitting._native",
    sources=["src/scalinglaws/fitting/_native.c"],
    extra_compile_args=(["-O3", "-fopenmp"] if gcc_x86_linux else ["-O2"]),
    extra_link_args=["-fopenmp"] if gcc_x86_linux else [],
    libraries=["m"] if gcc_x86_linux else [],
    optional=True,
)

setup(ext_modules=[native])
