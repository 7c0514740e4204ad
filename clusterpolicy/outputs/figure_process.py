"""A second Python process that imports Matplotlib while this one works, and then draws one figure.

Importing Matplotlib takes about half a second, and a run's overview figure is the last thing
``clusterpolicy run`` makes. :func:`figure_process` starts a process that imports the modules a figure
needs (and nothing of the model), and makes what it can of the figure without the data, while this
process imports the model and runs it;
:meth:`FigureProcess.submit` then sends it the function that makes the PNG and its plain-data argument,
and :meth:`FigureProcess.result` returns the bytes. The second process runs the same function on the
same data, so the bytes are the ones this process would have made; it gets this process's ``sys.path``,
so it imports the same code.

Wherever the second process cannot help (it could not be started, it failed, it gave no answer, or none
within :data:`ANSWER_TIMEOUT_S` of being asked), the function runs here instead, so the result is the
same, only later. The second process ignores Ctrl-C (this
process handles it) and ends when this process closes the pipe to it; prints of the function go to
standard error, not into the pipe.
"""

from __future__ import annotations

import contextlib
import json
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

#: how long :meth:`FigureProcess.result` waits for the second process's answer before it ends that
#: process and computes the answer here (seconds). The overview takes about a second to draw; this only
#: ends a process that hangs.
ANSWER_TIMEOUT_S = 60.0

# the second process: take this process's import path, import the modules, call the preparations, read
# (function, args) from standard input, write ("ok", result) or ("error", traceback) to standard output,
# and end without tearing the interpreter down
_CHILD = r"""
import signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
import json, os, pickle, traceback
sys.path[:] = json.loads(sys.argv[1])
pipe = os.fdopen(os.dup(1), "wb")
os.dup2(2, 1)  # what the function prints goes to standard error, not into the pipe
try:
    import importlib
    for name in json.loads(sys.argv[2]):
        importlib.import_module(name)
    for name in json.loads(sys.argv[3]):
        module, function = name.rsplit(".", 1)
        getattr(importlib.import_module(module), function)()
    job = pickle.load(sys.stdin.buffer)
except EOFError:  # nothing was asked: the other process stopped early
    sys.exit(0)
except BaseException:
    answer = ("error", traceback.format_exc())
else:
    try:
        function, args = job
        answer = ("ok", function(*args))
    except BaseException:
        answer = ("error", traceback.format_exc())
pickle.dump(answer, pipe)
pipe.close()
sys.stdout.flush(); sys.stderr.flush()
os._exit(0)  # at once: the other process waits for this one to end, and tearing down Matplotlib took 0.2 s
"""


class FigureProcess:
    """A started second process (see the module docstring); ``submit`` once, then ``result``."""

    def __init__(self, process: subprocess.Popen[bytes] | None) -> None:
        self._process = process
        self._job: tuple[Callable[..., Any], tuple[Any, ...]] | None = None
        #: whether :meth:`result` came from the second process (not computed here)
        self.answered = False

    def submit(self, function: Callable[..., Any], *args: Any) -> None:
        """Ask for ``function(*args)`` (a module-level function and picklable arguments)."""
        self._job = (function, args)
        if self._process is None or self._process.stdin is None:
            return
        try:
            pickle.dump(self._job, self._process.stdin)
            self._process.stdin.close()
        except (OSError, pickle.PicklingError):
            self._stop()
            return
        self._process.stdin = None  # closed: communicate() in result() only reads the answer

    def result(self, timeout: float = ANSWER_TIMEOUT_S) -> Any:
        """What ``function(*args)`` returned: from the second process, or computed here if it gave none.

        The second process is given ``timeout`` seconds to answer; then it is ended.
        """
        if self._job is None:
            raise RuntimeError("nothing was submitted")
        answer = None
        if self._process is not None and self._process.stdout is not None:
            try:
                data, _ = self._process.communicate(timeout=timeout)
                answer = pickle.loads(data)
            except Exception:  # no answer (the process ended, hung or could not start): compute it here
                answer = None
            self._stop()
        if isinstance(answer, tuple) and len(answer) == 2 and answer[0] == "ok":
            self.answered = True
            return answer[1]
        function, args = self._job  # the second process failed: an error here is raised with its cause
        return function(*args)

    def _stop(self) -> None:
        """End the second process (if it still runs) and collect it."""
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        with contextlib.suppress(OSError):
            process.kill()
        process.wait()


@contextlib.contextmanager
def figure_process(
    modules: tuple[str, ...] = (), prepare: tuple[str, ...] = (), start: bool | None = None
) -> Iterator[FigureProcess]:
    """A second process that imports ``modules`` now (see the module docstring); ended on leaving.

    Then it calls the functions named in ``prepare`` (``package.module.function``, no arguments): work
    that the submitted function will find done (:func:`clusterpolicy.outputs.run_figure.prepare`).

    By default (``start`` None) it is started only where Matplotlib is not imported here yet: where it
    is, drawing here costs no import, and less than starting a process. Where no process is started
    (or none can be), :meth:`FigureProcess.result` computes the figure here.
    """
    process = None
    if start is None:
        start = "matplotlib.figure" not in sys.modules
    if start and sys.executable:
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _CHILD,
                    json.dumps(sys.path),
                    json.dumps(modules),
                    json.dumps(prepare),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        except OSError:
            process = None
    figures = FigureProcess(process)
    try:
        yield figures
    finally:
        figures._stop()
