"""Help of the algorithms, one file per algorithm and language: ``help/<language>/<name>.html``.

``<name>`` is the algorithm's ``name()``. A file holds first the text QGIS
shows beside the algorithm's dialog (QGIS makes one paragraph of each line;
HTML inside a line), then the help of each parameter, shown in its tool tip::

    <dl class="parameters">
    <dt>INPUT</dt><dd>One sentence about the parameter.</dd>
    </dl>

A line ``<!-- include: _network.html -->`` stands for the text of that
fragment, whose parameters join the file's: the help of the road network, shared
by the two access algorithms, and of the depth parameters is written once
(fragments start with ``_``). The French files translate the English ones;
what a language lacks (a file, a parameter) is taken from English.
"""

import functools
import os
import re
from collections import namedtuple

HELP_DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT_LANGUAGE = "en"

Help = namedtuple("Help", "text parameters")
Help.__doc__ = """``text``: the algorithm's help (shortHelpString); ``parameters``: {parameter name: help}."""

_PARAMETERS = re.compile(r'<dl class="parameters">(.*?)</dl>', re.S)
_ENTRY = re.compile(r"<dt>\s*(\w+)\s*</dt>\s*<dd>(.*?)</dd>", re.S)
_INCLUDE = re.compile(r"^<!-- include: (\S+) -->\n?", re.M)


@functools.cache
def read(language, file_name):
    """:class:`Help` of ``help/<language>/<file_name>``, includes resolved; None when absent."""
    path = os.path.join(HELP_DIR, language, file_name)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    parameters = {}

    def include(match):
        fragment = read(language, match.group(1)) or read(DEFAULT_LANGUAGE, match.group(1))
        if fragment is None:
            raise FileNotFoundError(f"{path} includes {match.group(1)}, which does not exist")
        parameters.update(fragment.parameters)
        return fragment.text + "\n" if fragment.text else ""

    text = _INCLUDE.sub(include, _PARAMETERS.sub("", source)).strip()
    for block in _PARAMETERS.findall(source):
        parameters.update((name, " ".join(words.split())) for name, words in _ENTRY.findall(block))
    return Help(text, parameters)


def language(locale=None):
    """The help folder for ``locale`` ('fr_FR', 'fr'; by default QGIS's, as the translator)."""
    if locale is None:
        from ...plugin.i18n import qgis_locale

        locale = qgis_locale()
    for candidate in (locale, locale.split("_")[0]):
        if candidate and os.path.isdir(os.path.join(HELP_DIR, candidate)):
            return candidate
    return DEFAULT_LANGUAGE


def algorithm_help(name, locale=None):
    """:class:`Help` of the algorithm ``name`` in the language of ``locale``, English where missing."""
    english = read(DEFAULT_LANGUAGE, f"{name}.html") or Help("", {})
    chosen = language(locale)
    local = read(chosen, f"{name}.html") if chosen != DEFAULT_LANGUAGE else None
    if local is None:
        return english
    return Help(local.text, {**english.parameters, **local.parameters})
