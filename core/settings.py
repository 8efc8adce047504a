"""Reading the 'key=value; key=value' settings users type in algorithm parameters."""

import re


def key_value_pairs(text, separators=";\n", split_at_last=False):
    """Yield (key, value), both stripped, from ``text`` split at any of ``separators``.

    Empty parts are skipped; a part without '=' raises ValueError naming it.
    ``split_at_last`` splits at the last '=' (keys may then contain '=').
    """
    for part in re.split("[" + re.escape(separators) + "]", text or ""):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"'{part.strip()}' is not of the form key=value")
        key, _, value = part.rpartition("=") if split_at_last else part.partition("=")
        yield key.strip(), value.strip()
