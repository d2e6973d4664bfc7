"""Key material for a site that has not been given keys through the environment.

A demo must start with one command, so the first start writes random keys into the data
directory (mode 0600); production sets GUANXI_SECRET_KEY / GUANXI_FIELD_KEY /
GUANXI_INDEX_KEY instead. Losing the field key makes encrypted ID numbers unreadable.
"""

import base64
import json
import os
import secrets
from pathlib import Path


def load_or_create_keys(data_dir: Path) -> dict[str, str]:
    path = data_dir / "keys.json"
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "secret_key": secrets.token_urlsafe(50),
        "field_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "index_key": secrets.token_hex(32),
    }
    # Written aside and linked into place, so that the web process and the worker starting
    # together agree on one set of keys.
    tmp = data_dir / f".keys.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(keys, handle)
    try:
        os.link(tmp, path)
    except FileExistsError:
        keys = json.loads(path.read_text())
    finally:
        tmp.unlink(missing_ok=True)
    return keys
