"""Hatch build hook: compile the Deferred chain engine with mypyc, when it can be done.

twistlike works without it (the pure-Python engine, ``twistlike/_core/chain.py``, is always
installed). When mypy (it brings mypyc, a build requirement) and a C compiler are available,
this hook compiles a copy of that module as ``twistlike._core.chain_c``: into the source tree
for an editable install (``pip install -e .``; the file name carries the interpreter's ABI tag,
so environments of several Python versions share one tree), into the wheel otherwise. Any
failure (no compiler, no Python headers, a mypyc error) is reported as a warning and the build
goes on, pure Python; ``twistlike._core.engine.COMPILED`` tells at run time which engine runs.

The compilation happens in a private temporary directory, in a child process with a time
limit, so parallel builds of several environments on one tree never share files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zlib
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_SOURCE = Path("twistlike", "_core", "chain.py")
_MODULE = "chain_c"
#: Set to 1 to skip compiling (the pure-Python engine is installed alone).
_SKIP_VARIABLE = "TWISTLIKE_NO_COMPILE"
_TIMEOUT = 300

# Run in the child: mypyc (through setuptools' build_ext) on the copied module. The mypy flags
# keep the type check to this one module (it imports no other twistlike module at run time).
_BUILD_SCRIPT = """
import sys
from setuptools import setup
from mypyc.build import mypycify

setup(
    name="twistlike-chain",
    ext_modules=mypycify(
        ["twistlike/_core/{module}.py", "--ignore-missing-imports", "--follow-imports=skip"],
        opt_level="3",
    ),
    script_args=["build_ext", "--inplace", "--build-temp", "build-temp"],
)
"""


class MypycBuildHook(BuildHookInterface):  # type: ignore[misc,type-arg]
    """Adds the compiled chain engine to the wheel (or the source tree, when editable)."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile, and place the extension; on any failure warn and stay pure Python."""
        if self.target_name != "wheel" or os.environ.get(_SKIP_VARIABLE) == "1":
            return
        root = Path(self.root)
        self._tmp = tempfile.mkdtemp(prefix="twistlike-mypyc-")
        try:
            built = _compile(root, Path(self._tmp))
        except Exception as e:  # a failed build must never fail the install
            if version == "editable":
                # Leave no older build of this interpreter's behind in the source tree.
                suffix = sysconfig.get_config_var("EXT_SUFFIX")
                for stale in (root / _SOURCE).parent.glob(f"{_MODULE}*{suffix}"):
                    stale.unlink(missing_ok=True)
            self.app.display_warning(
                f"twistlike: the compiled Deferred engine was not built ({e}); "
                "the pure-Python engine will be used"
            )
            return
        for path in built:
            relative = f"twistlike/_core/{path.name}"
            if version == "editable":
                # The editable install imports from the source tree: put the extension there
                # (atomically: another environment may be importing the tree right now).
                target = root / relative
                partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
                shutil.copy2(path, partial)
                os.replace(partial, target)
            else:
                build_data["force_include"][str(path)] = relative
        if version != "editable":
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
        self.app.display_info(f"twistlike: compiled Deferred engine built: {built[0].name}")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the temporary build directory."""
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _compile(root: Path, tmp: Path) -> list[Path]:
    """Compile a copy of the chain module in ``tmp``; return the extension modules made.

    mypyc makes two: ``chain_c`` (a small shim) and ``chain_c__mypyc`` (the code); both
    names end with the interpreter's extension suffix (its ABI tag).
    """
    package = tmp / "twistlike" / "_core"
    package.mkdir(parents=True)
    (tmp / "twistlike" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    source = (root / _SOURCE).read_bytes()
    # The engine module compares this with its source file at import, so that an editable
    # install whose chain.py was edited after the build runs the edited code (pure Python)
    # rather than the stale compiled copy.
    stamp = f"\n\nSOURCE_CRC32 = {zlib.crc32(source)}\n".encode()
    (package / f"{_MODULE}.py").write_bytes(source + stamp)
    done = subprocess.run(
        [sys.executable, "-c", _BUILD_SCRIPT.format(module=_MODULE)],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
    )
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    built = sorted(package.glob(f"{_MODULE}*{suffix}"))
    if done.returncode != 0 or package / f"{_MODULE}{suffix}" not in built:
        lines = (done.stdout + done.stderr).strip().splitlines()
        raise RuntimeError("mypyc failed: " + " | ".join(lines[-5:]))
    return built
