"""Sign-in throttles: per client address (DRF's ScopedRateThrottle, scope "login") and
per account, so guesses at one account spread over many addresses are counted too."""

import hashlib

from rest_framework.exceptions import APIException
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


class SignInsPerAccount(SimpleRateThrottle):
    scope = "login"  # the same rate as per address

    def get_cache_key(self, request, view):
        try:
            data = request.data if hasattr(request, "data") else request.POST
        except APIException as exc:
            # No account named; the per-address count still applies. The view refuses
            # the body with this error once the throttles have let it through.
            request.unparsable = exc
            return None
        if not hasattr(data, "get"):
            return None  # a JSON list or string: refused as input by the view
        username = str(data.get("username", "")).strip().lower()
        if not username:
            return None
        digest = hashlib.sha256(username.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": f"account-{digest}"}


SIGN_IN_THROTTLES = [ScopedRateThrottle, SignInsPerAccount]
