"""Two-factor authentication, one journey in one package (django-otp: TOTP and recovery codes).

- **Who**: `policy.second_factor_required(user)` — the roles of settings.OTP_REQUIRED_ROLES
  ("superuser" for superusers); everyone else may turn it on from their account page.
- **Where in the sign-in**: `middleware.SecondFactorMiddleware`, after the password. A signed-in
  user whose session is not verified is sent, before any other page, to the verification page
  if they have a device, to the enrolment page if they must have one and have none. Public
  pages, logout and the pages of this journey stay reachable.
- **Enrolment** (`views.enrol`): a POST creates an unconfirmed authenticator (a GET changes
  nothing), the page shows its QR code (SVG drawn on the server by segno, no external service,
  no script) and its key; the first good code confirms it, verifies the session and makes the
  recovery codes, shown once (`views.recovery_codes`: they leave the session when shown), and
  regenerable.
- **Brute force**: django-otp throttles each device (a growing delay after each failure);
  on top of it `services.second_factor_verify` counts wrong codes per account, the account's
  row locked while it counts: AXES_FAILURE_LIMIT of them lock the second factor for
  AXES_COOLOFF_TIME, during which even a good code is refused. A good code resets the count.
- **Reset**: a director resets the second factor of a person of the cooperative (history:
  `AccountChange`); an operator runs `manage.py second_factor_reset <username>` (also lifts
  a lock).
"""
