from cshub.notifications.tests.smtp import smtp_server

__all__ = ["smtp_server"]
