"""Static check that the shipped code has nothing that breaks under Qt 6 / QGIS 4.

No QGIS 4 build can run here, so this reads the code instead:

* flake8-qgis (pinned in requirements-dev.txt), the PyPI tool with the checks
  of QGIS's own scripts/pyqt5_to_pyqt6 migration script (which is not on
  PyPI): its Qt 6 rules QGS4xx (QVariant.Int & co., renamed or removed enums,
  QRegExp, QDesktopWidget, qApp, QFontMetrics.width, activated[str], compiled
  resources, QVariant() as NULL, QDateTime forms, addAction with many
  arguments), QGS107 (exec_) and QGS103/QGS104 (PyQt5 imported directly
  rather than through qgis.PyQt);
* unscoped enum values (``Qt.AlignLeft``, ``QgsWkbTypes.Point``): PyQt6 only
  has ``Qt.AlignmentFlag.AlignLeft``, and QGIS 4 moved its own enums to
  ``Qgis.*`` (processing/compat.py resolves those by name). Found as the
  migration script finds them: by asking this PyQt5/QGIS which enum each
  ``Class.Name`` belongs to;
* names Qt 6 moved out of their Qt 5 module (QAction to QtGui...): imported
  from the old module only as the fallback of an ``except ImportError``.

Every tracked .py file that `make package` ships is checked (not tests/,
bench/ or scripts/).
"""

import ast
import enum
import importlib
import importlib.util
import inspect
import os
import subprocess
import sys

import pytest
from conftest import ROOT

QT6_RULES = "QGS103,QGS104,QGS107,QGS4"
# Qt 6 moved these from QtWidgets to QtGui (QGIS 3.22's qgis.PyQt.QtGui lacks them).
MOVED_TO_QTGUI = {"QAction", "QActionGroup", "QShortcut", "QUndoCommand", "QUndoGroup", "QUndoStack",
                  "QFileSystemModel"}
# Gone from PyQt6 (QGIS 4 does not bring them back).
REMOVED = {"QRegExp", "QRegExpValidator", "QDesktopWidget", "QTextCodec", "QGLWidget", "QGLFormat",
           "QMatrix", "QSound", "QStringRef", "QLinkedList", "qApp"}
QGIS_MODULES = ("qgis.core", "qgis.gui", "qgis.analysis")


def _package_rules():
    spec = importlib.util.spec_from_file_location("refuge_package_script",
                                                  os.path.join(ROOT, "scripts", "package.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.EXCLUDED_DIRS, module.EXCLUDED_FILES


def shipped_python_files():
    excluded_dirs, excluded_files = _package_rules()
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout.split()
    files = [f for f in tracked if not f.startswith(excluded_dirs) and f not in excluded_files]
    return [f for f in files if os.path.exists(os.path.join(ROOT, f))]


def flake8_qt6(paths, cwd=ROOT):
    """flake8-qgis's Qt 6 findings in ``paths``, one 'file:line:col: QGSnnn ...' per line."""
    command = [sys.executable, "-m", "flake8", "--isolated", f"--select={QT6_RULES}", *paths]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr  # 1: findings, anything else: flake8 broke
    return result.stdout.splitlines()


def _enum_type(value):
    """The enum class of ``value`` if it is an enum member (PyQt5's sip enums or Python's)."""
    from qgis.PyQt.QtCore import Qt

    sip_enum = type(Qt.AlignmentFlag)
    if isinstance(value, enum.Enum) or isinstance(type(value), sip_enum):
        return type(value)
    return None


def _imported_classes(tree):
    """Local name -> class for names imported from qgis.PyQt.*, PyQt5.* and QGIS's modules."""
    classes = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        if not (node.module.startswith(("qgis.PyQt", "PyQt5")) or node.module in QGIS_MODULES):
            continue
        try:
            module = importlib.import_module(node.module)
        except ImportError:
            continue
        for alias in node.names:
            value = getattr(module, alias.name, None)
            if inspect.isclass(value):
                classes[alias.asname or alias.name] = value
    return classes


def _fallback_imports(tree):
    """ImportFrom nodes inside an ``except ImportError`` handler."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler):
            for child in ast.walk(node):
                if isinstance(child, ast.ImportFrom):
                    inside.add(child)
    return inside


def qt6_api_problems(path, display=None):
    """Unscoped enums, and moved or removed Qt names, in one file: 'file:line: message'."""
    display = display or path
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), filename=path)
    problems = []
    fallbacks = _fallback_imports(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(("qgis.PyQt",
                                                                                         "PyQt")):
            for alias in node.names:
                if alias.name in REMOVED:
                    problems.append(f"{display}:{node.lineno}: {alias.name} does not exist in Qt 6")
                elif (alias.name in MOVED_TO_QTGUI and node.module.endswith("QtWidgets")
                      and node not in fallbacks):
                    problems.append(f"{display}:{node.lineno}: {alias.name} is in QtGui in Qt 6: "
                                    "import it from qgis.PyQt.QtGui, QtWidgets only under except ImportError")
    classes = _imported_classes(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in classes):
            continue
        owner = classes[node.value.id]
        kind = _enum_type(getattr(owner, node.attr, None))
        if kind is None:
            continue
        where = f"{display}:{node.lineno}: unscoped enum {node.value.id}.{node.attr}: "
        if owner.__name__ == "QVariant":
            problems.append(where + "PyQt6 has no QVariant types: use compat.ATTR_* (QMetaType.Type)")
        elif owner.__module__.startswith("qgis._"):
            problems.append(where + f"PyQt6 needs {kind.__qualname__}.{node.attr} or, where QGIS 4 moved it "
                            "to Qgis, that: resolve it in processing/compat.py")
        else:
            problems.append(where + f"PyQt6 needs {kind.__qualname__}.{node.attr}")
    return sorted(problems, key=lambda p: int(p.split(":")[1]))


@pytest.fixture(scope="module")
def files():
    found = shipped_python_files()
    assert "processing/compat.py" in found and "plugin/plugin.py" in found
    assert not [f for f in found if f.startswith(("tests/", "bench/", "scripts/"))]
    return found


def test_flake8_qgis_is_the_pinned_plugin():
    """Without the plugin flake8 would select no rule and find nothing: make sure it is loaded."""
    result = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with open(os.path.join(ROOT, "requirements-dev.txt"), encoding="utf-8") as handle:
        pinned = [line.split("#")[0].strip() for line in handle if line.startswith("flake8-qgis==")]
    assert pinned, "flake8-qgis is not pinned in requirements-dev.txt"
    assert f"flake8-qgis: {pinned[0].split('==')[1]}" in result.stdout.replace("flake8_qgis", "flake8-qgis")


def test_flake8_qgis_finds_nothing_for_qt6(files):
    findings = flake8_qt6(files)
    assert not findings, "breaks under Qt 6:\n" + "\n".join(findings)


def test_no_unscoped_enum_or_moved_qt_name(files, qgis_app):
    problems = [p for f in files for p in qt6_api_problems(os.path.join(ROOT, f), f)]
    assert not problems, "breaks under Qt 6:\n" + "\n".join(problems)


BAD = '''\
from PyQt5.QtCore import QVariant
from qgis.core import QgsField, QgsWkbTypes
from qgis.PyQt.QtCore import QRegExp, Qt
from qgis.PyQt.QtWidgets import QAction, QDialog


def fields():
    return [QgsField("a", QVariant.Int), QgsField("b", QVariant.String)]


def show(dialog: QDialog):
    dialog.setWindowModality(Qt.WindowModal)
    dialog.layout().setAlignment(Qt.AlignLeft)
    return dialog.exec_(), QgsWkbTypes.Point, Qt.MidButton
'''


def test_checks_catch_what_breaks(tmp_path, qgis_app):
    """The checks are not vacuous: each kind of breakage in a sample is reported."""
    sample = tmp_path / "sample.py"
    sample.write_text(BAD, encoding="utf-8")
    findings = "\n".join(flake8_qt6([str(sample)], cwd=tmp_path))
    for rule in ("QGS103", "QGS107", "QGS402", "QGS403", "QGS406"):
        assert rule in findings, findings
    problems = "\n".join(qt6_api_problems(str(sample), "sample.py"))
    for expected in ("QRegExp does not exist", "QAction is in QtGui", "Qt.WindowModality.WindowModal",
                     "Qt.AlignmentFlag.AlignLeft", "unscoped enum QgsWkbTypes.Point: PyQt6 needs ",
                     "QVariant.Int: PyQt6 has no"):
        assert expected in problems, problems
