from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "cshub.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        # Listens to missing (interview entries, found with) and registers an agenda
        # source with meetings: neither of them imports this room.
        from cshub.intelligence import alerts, capture

        capture.connect()
        alerts.register()
        from cshub.intelligence.views import meeting_item_links
        from cshub.meetings.hooks import register_item_links

        register_item_links(meeting_item_links)
