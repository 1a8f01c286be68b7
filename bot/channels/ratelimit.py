"""Rate limits shared by the REST channel and the web chat, and the client's real address.

Three limits, checked in this order for every message (moving windows from the `limits`
library):

- per sender (the namespaced conversation id, so ``rest:a`` and ``webchat:a`` differ);
- per client address, read from ``X-Forwarded-For`` only when the peer is a trusted proxy
  (``TRUSTED_PROXIES``), so a client cannot escape it by changing its sender id, nor by
  writing its own ``X-Forwarded-For``;
- global, across every client, to keep the dialogue engine within what it can serve.

A message refused by the sender limit consumes nothing of the other two, so one flooding
client does not eat the address's or the service's allowance. Counters live in Redis when a
lock store URL is configured (every Rasa instance shares them), in process memory otherwise.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from bot.channels.wording import BUSY_TEXT, RATE_LIMITED_TEXT
from bot.settings import Settings

logger = logging.getLogger(__name__)

SENDER, ADDRESS, GLOBAL = "sender", "address", "global"
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def refusal_text(limit: str) -> str:
    """What the user is told when a message hits ``limit``: slow down when it is their own
    limit, try again later when it is the address's or the service's."""
    return RATE_LIMITED_TEXT if limit == SENDER else BUSY_TEXT


def parse_networks(values: Iterable[str]) -> tuple[IpNetwork, ...]:
    """``TRUSTED_PROXIES`` entries (addresses or CIDR networks) as networks.

    Raises:
        ValueError: an entry is neither.
    """
    networks: list[IpNetwork] = []
    for raw in values:
        entry = raw.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ValueError(f"TRUSTED_PROXIES : {entry!r} n'est ni une adresse IP ni un réseau.") from error
    return tuple(networks)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(peer: str | None, forwarded_for: str | None, trusted: Iterable[IpNetwork]) -> str:
    """The address of the client, as far as trusted proxies vouch for it.

    ``X-Forwarded-For`` is read from the right (each proxy appends the address it saw) and
    the first address that is not a trusted proxy is the client's. When the peer itself is
    not trusted, the header is the client's own writing and is ignored.
    """
    networks = tuple(trusted)

    def is_trusted(address: Any) -> bool:
        return address is not None and any(address in network for network in networks)

    peer_ip = _ip(peer or "")
    if peer_ip is None:
        return peer or "?"
    if not forwarded_for or not is_trusted(peer_ip):
        return str(peer_ip)
    candidate = peer_ip
    for hop in reversed(forwarded_for.split(",")):
        hop_ip = _ip(hop)
        if hop_ip is None:
            # Garbage in the chain: stop at the last address a trusted proxy vouched for.
            break
        candidate = hop_ip
        if not is_trusted(hop_ip):
            break
    return str(candidate)


@dataclass(frozen=True)
class RateLimits:
    """The three limits, each one or more `limits` items ("10 per 10 seconds; 60 per hour")."""

    sender: tuple[RateLimitItem, ...]
    address: tuple[RateLimitItem, ...]
    overall: tuple[RateLimitItem, ...]

    @classmethod
    def parse(cls, sender: str, address: str, overall: str) -> RateLimits:
        def items(name: str, value: str) -> tuple[RateLimitItem, ...]:
            try:
                parsed = tuple(parse_many(value))
            except ValueError as error:
                raise ValueError(f"Limite de débit {name} illisible : {value!r}") from error
            if not parsed:
                raise ValueError(f"Limite de débit {name} vide.")
            return parsed

        return cls(items(SENDER, sender), items(ADDRESS, address), items(GLOBAL, overall))

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        return cls.parse(settings.rate_limit_sender, settings.rate_limit_address, settings.rate_limit_global)

    def retry_after(self) -> int:
        """Seconds a refused sender should wait: the shortest window of its own limits."""
        return max(1, min(item.get_expiry() // max(item.amount, 1) for item in self.sender))


class MessageLimiter:
    """Counts one message against the sender, address and global limits.

    The Redis storage of `limits` is synchronous (the asyncio one needs a newer redis
    client than Rasa 3.6 allows), so it runs in a worker thread; the memory storage is
    only arithmetic and runs inline.
    """

    def __init__(self, limits: RateLimits, storage: Storage, *, prefix: str = "coordo") -> None:
        self.limits = limits
        self.storage = storage
        self.strategy = MovingWindowRateLimiter(storage)
        self.prefix = prefix
        self._in_thread = not isinstance(storage, MemoryStorage)

    @classmethod
    def from_settings(cls, settings: Settings) -> MessageLimiter:
        return cls(RateLimits.from_settings(settings), make_storage(settings.lock_store_url))

    def _hit_all(self, sender: str, address: str) -> str | None:
        checks = (
            (SENDER, self.limits.sender, sender),
            (ADDRESS, self.limits.address, address),
            (GLOBAL, self.limits.overall, "*"),
        )
        for name, items, key in checks:
            for item in items:
                if not self.strategy.hit(item, self.prefix, name, key):
                    return name
        return None

    async def check(self, sender: str, address: str) -> str | None:
        """None when the message may go on, else the name of the limit it hit.

        When Redis cannot be reached the message is let through (and logged): the limit
        protects the service, it must not be the reason the service is down.
        """
        if not self._in_thread:
            return self._hit_all(sender, address)
        try:
            return await asyncio.to_thread(self._hit_all, sender, address)
        except Exception as error:  # redis-py and limits raise several unrelated types
            logger.warning("Limite de débit ignorée, Redis injoignable : %s", error.__class__.__name__)
            return None


def make_storage(lock_store_url: str) -> Storage:
    """Redis storage on the lock store's server when one is configured, memory otherwise."""
    if lock_store_url:
        return RedisStorage(lock_store_url, socket_timeout=1.0, socket_connect_timeout=1.0)
    return MemoryStorage()


_shared: dict[tuple[str, ...], MessageLimiter] = {}


def shared_limiter(settings: Settings) -> MessageLimiter:
    """One limiter per configuration in this process, so the REST channel and the web chat
    count against the same address and global allowances (created on first use)."""
    key = (
        settings.lock_store_url,
        settings.rate_limit_sender,
        settings.rate_limit_address,
        settings.rate_limit_global,
    )
    limiter = _shared.get(key)
    if limiter is None:
        limiter = _shared[key] = MessageLimiter.from_settings(settings)
    return limiter
