"""API tokens: DRF's token authentication, reading the caller's staff profile and roles
with the token (every API request needs them: `IsStaffMember`, then what the roles let
the caller see)."""

from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class StaffTokenAuthentication(TokenAuthentication):
    """One query for the token, its user and their staff profile, one for the roles, instead
    of a query for each on first use (the roles again at each `has_role`)."""

    def authenticate_credentials(self, key):
        token = (self.get_model().objects.select_related("user__staff")
                 .prefetch_related("user__staff__role_assignments").filter(key=key).first())
        if token is None:
            raise exceptions.AuthenticationFailed(gettext_lazy("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(gettext_lazy("User inactive or deleted."))
        return token.user, token
