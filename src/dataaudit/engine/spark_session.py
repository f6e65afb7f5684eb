"""The Spark session the spark engine runs in: the user's, else a local one dataaudit starts (2 cores, a few
GiB), after checking that pyspark and Java are there. Part of :mod:`dataaudit.engine.spark_load`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dataaudit.errors import ConfigError

_EXTRA = "pip install 'dataaudit[spark]'"

#: the settings of the local session dataaudit starts when the user has none (2 cores, a few GiB)
LOCAL_CONF: dict[str, str] = {
    "spark.master": "local[2]",
    "spark.app.name": "dataaudit",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # a few more than the cores: a large grouping (every column's values) then spills less per task, and
    # adaptive execution coalesces the partitions of a small one
    "spark.sql.shuffle.partitions": "16",
    "spark.default.parallelism": "2",
    "spark.driver.memory": "2g",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.adaptive.enabled": "true",
    "spark.driver.extraJavaOptions": "",
}

#: Spark's own log lines at start-up (hostname, native-hadoop) are noise in an audit's output: errors only
#: until the session is up (then WARN); the CSV header check always warns (the loader reads columns by
#: position), so it stays at errors
_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
logger.csvheader.name = org.apache.spark.sql.catalyst.csv.CSVHeaderChecker
logger.csvheader.level = error
"""

_LOCAL: Any = None  # the session this process started (reused)


def require_spark() -> None:
    """Raise a one-line ConfigError when pyspark or Java is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ConfigError(f"the spark engine needs pyspark, which is not installed ({_EXTRA})") from None
    if not os.environ.get("SPARK_REMOTE") and not _java():
        raise ConfigError(
            "the spark engine needs Java (17 or later) to start a local Spark session: no `java` on PATH and "
            f"no JAVA_HOME (install a JDK, or set SPARK_REMOTE to use a Spark Connect server; {_EXTRA})"
        )


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def get_session() -> Any:
    """The active Spark session if there is one; else a Spark Connect session when ``SPARK_REMOTE`` is set;
    else this process' local ``local[2]`` session (started on first use, with :data:`LOCAL_CONF`)."""
    global _LOCAL
    require_spark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if _LOCAL is not None:
        try:
            _LOCAL.conf.get("spark.app.name")  # still alive?
            return _LOCAL
        except Exception:  # noqa: BLE001 - stopped by the user: start another
            _LOCAL = None
    remote = os.environ.get("SPARK_REMOTE")
    local_dir = ""
    try:
        if remote:
            return SparkSession.builder.remote(remote).getOrCreate()
        builder = SparkSession.builder
        conf = dict(LOCAL_CONF)
        conf["spark.driver.memory"] = _driver_memory()
        # shuffle and spill files (gigabytes for a large table) in a folder of ours, removed at exit; a JVM
        # stopped without its shutdown hooks left its blockmgr-* folder in /tmp (1.6 GB after 10M rows)
        local_dir = _local_dir()
        conf["spark.local.dir"] = local_dir
        conf["spark.driver.extraJavaOptions"] = f"-Dlog4j.configurationFile=file:{_log4j_file()}"
        # the catalog's warehouse folder, which Spark would otherwise create in the user's working directory
        conf["spark.sql.warehouse.dir"] = str(_temp_path("dataaudit-spark-warehouse"))
        for key, value in conf.items():
            builder = builder.config(key, value)
        os.environ.setdefault("PYSPARK_PYTHON", _python())
        with _jvm_stderr_silenced():  # the JVM's banner and log lines are not the audit's output
            _LOCAL = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - the JVM did not start: one line, not a traceback
        if not remote:
            shutil.rmtree(local_dir, ignore_errors=True)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = f"Spark Connect at {remote}" if remote else "a local Spark session (local[2])"
        raise ConfigError(f"cannot start {where}: {first[:300]}") from None
    _LOCAL.sparkContext.setLogLevel("WARN")
    if not remote:
        import atexit

        atexit.register(_stop_local, local_dir)
    return _LOCAL


def _local_dir() -> str:
    """A new ``dataaudit-*`` temporary folder for Spark's scratch files (its owner recorded, so that the next
    audit removes it when this process was killed outright)."""
    from dataaudit.engine.workdir import make_workdir

    return make_workdir()


def _stop_local(local_dir: str) -> None:
    """At exit: stop the local session (its JVM removes its own files) and remove the scratch folder."""
    global _LOCAL
    with contextlib.suppress(Exception):
        if _LOCAL is not None:
            _LOCAL.stop()
    _LOCAL = None
    shutil.rmtree(local_dir, ignore_errors=True)


@contextlib.contextmanager
def _jvm_stderr_silenced() -> Iterator[None]:
    """The local JVM inherits file descriptor 2 when it starts: pointed at /dev/null meanwhile, so that a
    failed audit prints its one-line error and not Spark's start-up banner ("Setting default log level…") or
    later WARN lines. Errors still reach Python through py4j, as exceptions."""
    import sys

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (AttributeError, ValueError, OSError):  # no usable descriptor 2 (an embedding host)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _driver_memory() -> str:
    """The local JVM's heap: a third of the memory available, at least 2 GiB and at most 6 GiB (the cached
    table and the value groups of every column stay in memory longer before they spill to disk)."""
    from dataaudit.memory import available_bytes

    free = available_bytes() or 0
    gib = max(2, min(6, int(free / 3 / 1024**3)))
    return f"{gib}g"


def _temp_path(name: str) -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / name


def _log4j_file() -> str:
    path = _temp_path("dataaudit-spark-log4j2.properties")
    if not path.exists() or path.read_text() != _LOG4J:
        path.write_text(_LOG4J)
    return str(path)


def _python() -> str:
    import sys

    return sys.executable


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line[:300]
