"""Who may do what in the workbench: users and roles in a file, salted password hashes, CSRF.

Bound to a loopback address (the default, 127.0.0.1) the workbench is a single person's tool and
asks for no sign-in. Bound to any other address it requires sign-in: users come from
`DATA/users.yaml` (`jixiao serve --add-user NAME --role ROLE` writes it), each with a role:

* evaluator (评审人员): upload filings, resolve review items, score, run batches;
* policy (政策人员): everything an evaluator may, and edit rule packs;
* viewer (查看人员): read only.

Passwords are stored as scrypt hashes with a random salt per user; the file is written 0600.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import yaml

ROLES = {"evaluator": "评审人员", "policy": "政策人员", "viewer": "查看人员"}
CAN = {  # what each role may do
    "evaluator": {"read", "evaluate"},
    "policy": {"read", "evaluate", "policy"},
    "viewer": {"read"},
}
LOCAL_USER = "本机用户"
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}


def is_loopback(host: str) -> bool:
    """127.0.0.1, ::1 and 'localhost' are the default, single-user binding; anything else
    (another loopback address such as 127.0.0.2 included) is a shared server: sign-in required."""
    if host in ("localhost",):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address in (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))


def hash_password(password: str, salt: bytes | None = None) -> tuple[str, str]:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return salt.hex(), digest.hex()


@dataclass(frozen=True)
class User:
    name: str
    role: str

    def can(self, what: str) -> bool:
        return what in CAN.get(self.role, set())


class Users:
    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, dict] = {}
        if path.is_file():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for entry in data.get("users") or ():
                self.entries[str(entry["name"])] = entry

    def verify(self, name: str, password: str) -> User | None:
        entry = self.entries.get(name)
        if entry is None:
            hash_password(password)  # the same work either way: no timing hint that a name exists
            return None
        _, digest = hash_password(password, bytes.fromhex(entry["salt"]))
        if not hmac.compare_digest(digest, entry["hash"]):
            return None
        return User(name, entry["role"])

    def user(self, name: str) -> User | None:
        entry = self.entries.get(name)
        return User(name, entry["role"]) if entry else None

    def add(self, name: str, role: str, password: str) -> None:
        if role not in ROLES:
            raise ValueError(f"角色只能是 {', '.join(ROLES)}")
        if not name or len(password) < 8:
            raise ValueError("用户名不能为空，密码至少 8 个字符")
        salt, digest = hash_password(password)
        self.entries[name] = {"name": name, "role": role, "salt": salt, "hash": digest}
        text = yaml.safe_dump({"users": list(self.entries.values())}, allow_unicode=True, sort_keys=False)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)


def secret_key(data_dir: Path) -> bytes:
    """The key that signs session cookies, made once per data folder (0600)."""
    path = data_dir / "secret.key"
    if not path.is_file():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
    return path.read_bytes()
