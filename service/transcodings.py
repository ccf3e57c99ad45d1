"""How the domain's value types are stored as JSON (registered in the application)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.values import Asset, AuctionRecord


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class AuctionRecordAsDict(Transcoding):
    type = AuctionRecord
    name = "auction"

    def encode(self, obj: AuctionRecord) -> dict[str, Any]:
        return asdict(obj)

    def decode(self, data: dict[str, Any]) -> AuctionRecord:
        return AuctionRecord(**data)


class AssetAsDict(Transcoding):
    type = Asset
    name = "asset"

    def encode(self, obj: Asset) -> dict[str, Any]:
        # Not asdict(): it would turn the nested auction records into plain dicts.
        return dict(vars(obj))

    def decode(self, data: dict[str, Any]) -> Asset:
        return Asset(**data)


def register_all(transcoder: JSONTranscoder) -> None:
    for transcoding in (DateAsISO(), AuctionRecordAsDict(), AssetAsDict()):
        transcoder.register(transcoding)
