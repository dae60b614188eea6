"""Notification channels (DingTalk robot, JSON webhook, SMS gateway, local sink) and the
standard message templates. Workers render a template and hand the message to a
:class:`~workers.notify.dispatcher.Dispatcher`, which picks the channels by audience."""
