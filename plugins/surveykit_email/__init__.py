"""The email channel: a plain-text form to send, invitations, and reading the replies."""
