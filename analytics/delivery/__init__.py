"""Alert delivery: the outbox every alert is stored in before it is sent (outbox.py), and
the Apprise notifier that routes and sends them (notify.py). It imports nothing of the
dashboard; the dashboard reads and changes alert states through the outbox."""
