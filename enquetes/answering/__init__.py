"""The buyer's answering journey, one module per step (in the spirit of django-allauth's
account/internal/flows):

1. `tokens`: the invitation behind a link, read with its campaign, questionnaire and cooperative
   in one statement on every request (a closing date is never read from a copy), and what the
   link allows now.
2. `snapshot`: the questionnaire as the buyer sees it (pages, questions, choices, the HTML of
   each question not answered yet), as plain immutable values. One of the journey's two
   caches: one snapshot per frozen questionnaire, keyed by (id, frozen_at), bounded, cleared by
   `snapshots_clear()`.
3. `forms`: the posted answers of a page checked against the snapshot (the rules, stated once),
   the page's questions drawn with what was answered and its errors (`drawing` draws one
   question, or puts an answer into its blank HTML), and the staff form of a response taken by
   telephone or on paper, built per request. `frames`: the journey's other cache, a page
   without errors drawn once per page of a frozen questionnaire and look of the campaign,
   filled in per request (CSRF token, survey token, questions), bounded, cleared by
   `frames_clear()`.
4. `saving`: a page saved into the invitation's draft (one conditional UPDATE), the submission
   that turns the draft into the response, and the staff entry of a whole response.

The views (`enquetes/views/answer.py`, and `response_entry` on the staff side) only call these.
"""
