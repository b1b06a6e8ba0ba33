"""One inbox for every kind of message: in-app notifications and e-mail without personal data.

Other apps register the kinds they send (``kinds.register``) in their ``AppConfig.ready`` and call
``services.notify``; the words are rendered at read time in the reader's language.
"""
