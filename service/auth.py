"""API tokens: signed, expiring bearer tokens naming the user; the user is looked up on
every request so a deactivated account stops working at once."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from service.errors import Unauthorized
from service.users import User, UserStore


class Tokens:
    def __init__(self, secret_key: str, ttl: int, users: UserStore):
        self._serializer = URLSafeTimedSerializer(secret_key, salt="thads-api-token")
        self.ttl = ttl
        self.users = users

    def issue(self, user: User) -> str:
        return self._serializer.dumps({"u": user.username})

    def user_for(self, header: str | None) -> User:
        """The active user named by an ``Authorization: Bearer <token>`` header."""
        if not header:
            raise Unauthorized("this call needs an Authorization: Bearer <token> header")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("the Authorization header must be 'Bearer <token>'")
        try:
            payload = self._serializer.loads(token.strip(), max_age=self.ttl)
        except SignatureExpired:
            raise Unauthorized("the token has expired; ask for a new one at POST /api/v1/tokens") from None
        except BadSignature:
            raise Unauthorized("the token is not valid") from None
        user = self.users.get(payload.get("u", "")) if isinstance(payload, dict) else None
        if user is None or not user.active:
            raise Unauthorized("the token's user no longer exists or is disabled")
        return user
