"""The product's logic: pure async flows from an Input to a Reply, with no Telegram in sight."""
